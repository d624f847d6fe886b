using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MembershipPortal.Web.Features.Billing;

public static class DependencyInjection
{
    /// <summary>Checkout, the member's billing, renewals and the time-driven billing notices, with their jobs.</summary>
    public static IHostApplicationBuilder AddPortalBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BillingSettings>();
        builder.Services.AddSingleton<RenewalRun>();
        builder.Services.AddSingleton<NoticeRun>();
        builder.Services.AddSingleton<MembershipPortal.Infrastructure.Payments.Stripe.Webhooks.IBillingNotices, StripeBillingNotices>();
        builder.Services.AddSingleton<MembershipPortal.Infrastructure.Payments.Stripe.Webhooks.IOneTimeGoods, StripeOneTimeGoods>();
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddScoped<BillingService>();
        builder.Services.AddScoped<BillingSteps>();
        builder.Services.AddScoped<CheckoutSignUp>();
        builder.Services.AddSingleton<ClientSignUpLimiter>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<StripeCatalogSync>();
        builder.Services.AddScoped<StripeCheckout>();
        builder.Services.TryAddSingleton<Shared.BusinessTimeZone>();
        builder.Services.TryAddSingleton<Shared.SellerDetails>();
        builder.Services.AddSingleton<Receipts>();
        builder.AddPortalJob<RenewalJob>(RenewalJob.Key, "renewals-trigger", o => TimeSpan.FromMinutes(o.RenewalMinutes));
        builder.AddPortalJob<NoticeScheduleJob>(NoticeScheduleJob.Key, "scheduled-notices-trigger", o => TimeSpan.FromMinutes(o.NoticeMinutes));
        builder.Services.AddSingleton<Reconciliation.StripeReconciliation>();
        builder.Services.AddSingleton<StripeImport.StripeImportService>();
        builder.AddPortalDailyJob<Reconciliation.StripeReconciliationJob>(Reconciliation.StripeReconciliationJob.Key, "stripe-reconciliation-trigger",
            o => o.StripeReconciliationHourUtc);
        return builder;
    }

    /// <summary>The member's receipts as PDF: the signed-in member's own only (another member's id answers 404).</summary>
    public static WebApplication MapPortalReceipts(this WebApplication app)
    {
        app.MapGet("/account/billing/receipts/{id:guid}.pdf", ReceiptPdfEndpoint.ForMemberAsync).RequireAuthorization();
        return app;
    }
}
