using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stripe;

namespace MembershipPortal.Infrastructure.Payments.Stripe;

public static class StripeServiceCollectionExtensions
{
    /// <summary>The named HttpClient Stripe.net sends through; tests swap its primary handler for a stub.</summary>
    public const string HttpClientName = "Stripe";

    /// <summary>
    /// The Stripe adapter and the webhook pipeline. Nothing here talks to Stripe until the gateway is resolved, so this is
    /// registered whatever the provider: webhooks are served whenever a signing secret is configured.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services)
    {
        services.AddOptions<StripeCheckoutOptions>()
            .BindConfiguration(PaymentsOptions.Section + ":Stripe")
            .PostConfigure(o =>
            {
                if (o.ShippingCountries.Count == 0)
                    o.ShippingCountries.AddRange(StripeCheckoutOptions.DefaultShippingCountries);
            });

        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        services.AddSingleton(sp =>
        {
            var stripe = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.Stripe;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = stripe.SecretKey,
                ApiBase = string.IsNullOrWhiteSpace(stripe.ApiBase) ? null : stripe.ApiBase,
                // Stripe.net retries network failures twice; with our fixed idempotency keys a retry cannot double-charge.
                HttpClient = new SystemNetHttpClient(http, SystemNetHttpClient.DefaultMaxNumberRetries,
                    new AppInfo { Name = "MembershipPortal" }, enableTelemetry: false),
            });
        });
        services.AddSingleton<StripePaymentGateway>();
        services.AddOptions<Import.StripeImportOptions>().BindConfiguration(Import.StripeImportOptions.Section);
        services.AddSingleton<Import.StripeImporter>();

        services.AddSingleton<IStripeEventHandler, CheckoutSessionEventHandler>();
        services.AddSingleton<IStripeEventHandler, SubscriptionEventHandler>();
        services.AddSingleton<IStripeEventHandler, InvoiceEventHandler>();
        services.AddSingleton<IStripeEventHandler, ChargeRefundedHandler>();
        services.TryAddSingleton<IBillingNotices, NoBillingNotices>();
        services.TryAddSingleton<IOneTimeGoods, NoOneTimeGoods>();
        services.AddSingleton<IStripeEventHandler, CustomerEventHandler>();
        services.AddSingleton<StripeWebhookProcessor>();
        return services;
    }
}
