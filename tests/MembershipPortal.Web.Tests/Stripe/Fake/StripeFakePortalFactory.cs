using System.Net;
using System.Text;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// The portal in Stripe mode with Stripe.net talking to a <see cref="StripeFake"/> (no network), whose webhooks are
/// signed with the portal's secret and posted to the real <c>POST /webhooks/stripe</c>. The endpoint subscribes to the
/// event types the portal handles, as the README tells the Owner to set it up in Stripe's dashboard.
/// </summary>
public sealed class StripeFakePortalFactory : StripePortalFactory
{
    public StripeFakePortalFactory()
    {
        Fake = new StripeFake(Clock, WebhookSecret) { Endpoint = PostSignedAsync };
    }

    public StripeFake Fake { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
            services.AddHttpClient(StripeServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Fake));
    }

    /// <summary>Delivers the fake's pending events and checks the portal acknowledged every one.</summary>
    public async Task DeliverAsync()
    {
        Fake.EnabledEvents ??= Services.GetRequiredService<StripeWebhookProcessor>().HandledTypes.ToHashSet(StringComparer.Ordinal);
        var from = Fake.Deliveries.Count;
        await Fake.DeliverAsync();
        var failed = Fake.Deliveries.Skip(from).Where(d => d.Status != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, "Not acknowledged: " + string.Join(", ", failed.Select(f => $"{f.Type} {f.EventId} → {(int)f.Status}")));
    }

    /// <summary>
    /// The member checks out in the portal (the price synced to Stripe first if it is not), pays on Stripe's page, and the
    /// webhooks are delivered. Returns the Stripe subscription id.
    /// </summary>
    public async Task<string> CheckoutAsync(StripeWorld world, string email = "member@example.test")
    {
        await using var scope = Services.CreateAsyncScope();
        var (url, error) = await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Billing.StripeCheckout>()
            .StartAsync(world.MemberId, email, new MembershipPortal.Web.Features.Billing.CheckoutChoice { PriceId = world.PriceId });
        Assert.True(url is not null, error);
        var subscriptionId = Fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..]);
        await DeliverAsync();
        return subscriptionId;
    }

    private async Task<HttpStatusCode> PostSignedAsync(string payload, string signature, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var response = await Client.SendAsync(request, ct);
        return response.StatusCode;
    }
}
