using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// The portal with Payments:Provider=Stripe and a webhook secret. Stripe's API is a <see cref="StubStripeApi"/> (no
/// network), and a test-only handler for <see cref="FailingHandler.EventType"/> writes a row, saves, then throws.
/// </summary>
public class StripePortalFactory : PortalFactory
{
    public const string WebhookSecret = "whsec_test";

    public StubStripeApi StripeApi { get; } = new();

    public StripePortalFactory()
    {
        WithSetting("Payments:Provider", "Stripe");
        WithSetting("Payments:Stripe:SecretKey", "sk_test_x");
        WithSetting("Payments:Stripe:WebhookSecret", WebhookSecret);
        WithSetting("Payments:Stripe:ApiBase", "http://stripe.invalid");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient(StripeServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => StripeApi);
            services.AddSingleton<IStripeEventHandler, FailingHandler>();
        });
    }

    public HttpClient Client => client ??= CreateClient();
    private HttpClient? client;

    /// <summary>Signs <paramref name="payload"/> at <paramref name="signedAt"/> (default: the fake clock's now) and posts it.</summary>
    public Task<HttpResponseMessage> PostEventAsync(string payload, DateTimeOffset? signedAt = null, string secret = WebhookSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.Signature(secret, payload, signedAt ?? Clock.GetUtcNow()));
        return Client.SendAsync(request);
    }

    public async Task<AppDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>A member, a product and a monthly $20 price mapped to a fresh Stripe price id.</summary>
    public async Task<StripeWorld> SeedAsync(string? stripePriceId = null, bool mapPrice = true)
    {
        var key = Guid.NewGuid().ToString("N")[..12];
        var member = await CreateUserAsync($"member-{key}@example.test", "a long member passphrase");
        var product = new Product { Name = "Pro", Slug = $"pro-{key}", Kind = ProductKind.Membership, Rank = 1, CreatedAt = Clock.GetUtcNow() };
        var price = CatalogPrice.Create(product.Id, PriceTerms.Monthly(new Money(2000, "USD")));
        var world = new StripeWorld(member.Id, $"cus_{key}", $"sub_{key}", stripePriceId ?? $"price_{key}", price.Id, product.Id);
        await using var db = await DbAsync();
        db.Products.Add(product);
        db.Prices.Add(price);
        if (mapPrice)
            db.Entry(price).Property("StripePriceId").CurrentValue = world.StripePriceId;
        await db.SaveChangesAsync();
        return world;
    }

    public async Task MapPriceAsync(StripeWorld world)
    {
        await using var db = await DbAsync();
        var price = await db.Prices.SingleAsync(p => p.Id == world.PriceId);
        db.Entry(price).Property("StripePriceId").CurrentValue = world.StripePriceId;
        await db.SaveChangesAsync();
    }

    /// <summary>Test-only: proves a handler's saved writes roll back with the event when it then fails.</summary>
    public sealed class FailingHandler : IStripeEventHandler
    {
        public const string EventType = "portal_test.fails_after_write";

        public IReadOnlyCollection<string> EventTypes { get; } = [EventType];

        public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
        {
            var memberId = context.Event.Id["evt_".Length..];
            context.Db.BillingProfiles.Add(new BillingProfile { MemberId = memberId, Gateway = "Stripe", CustomerId = "cus_half_written", UpdatedAt = context.Now });
            await context.Db.SaveChangesAsync(ct);
            throw new InvalidOperationException("Simulated failure after a saved write.");
        }
    }
}

public sealed record StripeWorld(string MemberId, string CustomerId, string SubscriptionId, string StripePriceId, Guid PriceId, Guid ProductId);
