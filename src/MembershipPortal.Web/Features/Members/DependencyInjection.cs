using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Members.Admin;

namespace MembershipPortal.Web.Features.Members;

public static class DependencyInjection
{
    /// <summary>The members admin (list, member page, erasure) and its exports.</summary>
    public static IHostApplicationBuilder AddPortalMembersAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MemberAdminService>();
        builder.Services.AddScoped<MemberErasure>();
        return builder;
    }

    /// <summary>The members list as CSV, one member's data as JSON and their receipts as PDF; all need the Admin policy, checked here on the server.</summary>
    public static WebApplication MapPortalMembersAdmin(this WebApplication app)
    {
        app.MapGet("/admin/members/export.csv", MembersEndpoints.ExportCsvAsync).RequireAuthorization(PortalPolicies.Admin);
        app.MapGet("/admin/members/{id}/export.json", MembersEndpoints.ExportJsonAsync).RequireAuthorization(PortalPolicies.Admin);
        app.MapGet("/admin/members/{id}/receipts/{invoiceId:guid}.pdf", Billing.ReceiptPdfEndpoint.ForStaffAsync).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }
}
