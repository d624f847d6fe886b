namespace MembershipPortal.Web.Features.Billing;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BillingSettings>();
        builder.Services.AddSingleton<RenewalRun>();
        builder.Services.AddSingleton<MembershipPortal.Infrastructure.Payments.Stripe.Webhooks.IBillingNotices, StripeBillingNotices>();
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddScoped<BillingService>();
        builder.Services.AddScoped<CheckoutSignUp>();
        builder.Services.AddSingleton<ClientSignUpLimiter>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<StripeCatalogSync>();
        builder.Services.AddScoped<StripeCheckout>();
        builder.Services.AddSingleton<Reconciliation.StripeReconciliation>();
        return builder;
    }
}
