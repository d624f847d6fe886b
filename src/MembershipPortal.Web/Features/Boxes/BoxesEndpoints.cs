using MembershipPortal.Domain.Boxes;
using MembershipPortal.Infrastructure.Identity;

namespace MembershipPortal.Web.Features.Boxes;

public static class BoxesEndpoints
{
    public static IHostApplicationBuilder AddPortalBoxes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShipmentService>();
        builder.Services.AddSingleton<BoxRenewals>();
        builder.Services.AddSingleton<BoxSettings>();
        builder.Services.AddScoped<BoxCutoffRun>();
        builder.Services.AddScoped<TrackingImport>();
        builder.Services.AddScoped<BoxControls>();
        builder.Services.AddScoped<StripeSkipCredits>();
        builder.Services.AddScoped<AddressBook>();
        builder.Services.AddSingleton<ShippingZones>();
        builder.Services.AddScoped<BoxEconomics>();
        builder.Services.AddScoped<CycleContents>();
        return builder;
    }

    /// <summary>GET /admin/boxes/{product}/{cycle}/export.csv (Owner and Staff): the cycle's shipments for a fulfilment partner.</summary>
    public static WebApplication MapPortalBoxes(this WebApplication app)
    {
        app.MapGet("/admin/boxes/{productId:guid}/{cycle}/export.csv", async (Guid productId, string cycle, ShipmentService boxes, CancellationToken ct) =>
            CycleKey.TryParse(cycle, out var key)
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(await boxes.ExportCsvAsync(productId, key, ct)), "text/csv; charset=utf-8", $"shipments-{key}.csv")
                : Results.BadRequest("The cycle is written yyyy-MM.")).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }
}
