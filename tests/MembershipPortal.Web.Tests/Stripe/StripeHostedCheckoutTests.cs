using MembershipPortal.Domain.Catalog;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// With Payments:Provider=Stripe the checkout sends the member to a Stripe Checkout Session. A price never synced is
/// synced first (product, then price, ids stored); the session carries our line items, member and idempotency key.
/// </summary>
public sealed class StripeHostedCheckoutTests : IDisposable
{
    private readonly StripePortalFactory factory = (StripePortalFactory)new StripePortalFactory().WithSetting("Portal:PublicUrl", "https://portal.test");

    public void Dispose() => factory.Dispose();

    private T Scoped<T>(AsyncServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    [Fact]
    public async Task Start_UnsyncedPrice_SyncsThenOpensSessionWithOurLines()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/products", StripeFixtures.Resource("product"))
            .Reply(HttpMethod.Post, "/v1/prices", StripeFixtures.Resource("price"))
            .Reply(HttpMethod.Post, "/v1/customers", StripeFixtures.Resource("customer"))
            .Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));
        var choice = new CheckoutChoice { PriceId = world.PriceId };

        await using var scope = factory.Services.CreateAsyncScope();
        var (url, error) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "member@example.test", choice);

        Assert.Null(error);
        Assert.StartsWith("https://checkout.stripe.com/", url);
        var paths = factory.StripeApi.Requests.Select(r => r.Path).ToList();
        Assert.Equal(["/v1/products", "/v1/prices", "/v1/customers", "/v1/checkout/sessions"], paths);
        var session = factory.StripeApi.Requests[^1];
        Assert.Equal($"checkout-session:{world.MemberId}:{choice.AttemptId}", session.IdempotencyKey);
        Assert.Equal(world.MemberId, session.Form["client_reference_id"]);
        Assert.Equal("price_1PgafmB7WZ01zgkW6dKueIc5", session.Form["line_items[0][price]"]);
        Assert.Equal("https://portal.test/account/billing?welcome=true", session.Form["success_url"]);
        Assert.Equal($"https://portal.test/checkout?price={world.PriceId}", session.Form["cancel_url"]);

        await using var db = await factory.DbAsync();
        var price = await db.Prices.SingleAsync(p => p.Id == world.PriceId);
        Assert.Equal("price_1PgafmB7WZ01zgkW6dKueIc5", db.Entry(price).Property<string?>("StripePriceId").CurrentValue);
        Assert.NotNull((await db.Products.SingleAsync(p => p.Id == world.ProductId)).StripeProductId);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "catalog.stripe-sync" && e.TargetId == world.ProductId.ToString()));
    }

    [Fact]
    public async Task Start_MappedPrice_NoSyncCalls()
    {
        var world = await factory.SeedAsync();
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/customers", StripeFixtures.Resource("customer"))
            .Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));

        await using var scope = factory.Services.CreateAsyncScope();
        var (url, _) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "m@example.test", new CheckoutChoice { PriceId = world.PriceId });

        Assert.NotNull(url);
        Assert.Equal(["/v1/customers", "/v1/checkout/sessions"], factory.StripeApi.Requests.Select(r => r.Path));
        Assert.Equal(world.StripePriceId, factory.StripeApi.Requests[^1].Form["line_items[0][price]"]);
    }

    [Fact]
    public async Task Start_StripeDown_ClearMessageNothingStored()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        await using var scope = factory.Services.CreateAsyncScope();
        var (url, error) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "m@example.test", new CheckoutChoice { PriceId = world.PriceId });

        Assert.Null(url);
        Assert.Equal("Payments are not set up for this plan yet. Please try again later.", error);
        await using var db = await factory.DbAsync();
        Assert.Null((await db.Products.SingleAsync(p => p.Id == world.ProductId)).StripeProductId);
        Assert.False(await db.BillingProfiles.AnyAsync(p => p.MemberId == world.MemberId));
    }

    private async Task<Guid> AddCouponAsync(string code, CouponTerms terms, Guid? onlyProduct = null, DateTimeOffset? expiresAt = null)
    {
        await using var db = await factory.DbAsync();
        var coupon = Coupon.Create(terms, expiresAt, productIds: onlyProduct is { } p ? [p] : null);
        db.Coupons.Add(coupon);
        db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
        await db.SaveChangesAsync();
        return coupon.Id;
    }

    [Fact]
    public async Task Start_WithCoupon_CreatesTheStripeCouponAndAppliesItToTheSession()
    {
        var world = await factory.SeedAsync();
        var code = "SAVE" + world.CustomerId[^6..].ToUpperInvariant();
        await AddCouponAsync(code, CouponTerms.Percent(code, 25, CouponDuration.Repeating, 3), onlyProduct: world.ProductId);
        await using (var db = await factory.DbAsync())
        {
            var product = await db.Products.SingleAsync(p => p.Id == world.ProductId);
            product.StripeProductId = "prod_" + world.CustomerId;
            await db.SaveChangesAsync();
        }
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, "/v1/customers", StripeFixtures.Resource("customer"))
            .Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));

        await using var scope = factory.Services.CreateAsyncScope();
        var (url, error) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "m@example.test",
            new CheckoutChoice { PriceId = world.PriceId, CouponCode = code.ToLowerInvariant() });

        Assert.Null(error);
        Assert.NotNull(url);
        Assert.Equal(["/v1/coupons", "/v1/customers", "/v1/checkout/sessions"], factory.StripeApi.Requests.Select(r => r.Path));
        var coupon = factory.StripeApi.Requests[0];
        Assert.StartsWith($"mp_{code}_", coupon.Form["id"]);
        Assert.Equal($"coupon-create:{coupon.Form["id"]}", coupon.IdempotencyKey);
        Assert.Equal("25", coupon.Form["percent_off"]);
        Assert.Equal("repeating", coupon.Form["duration"]);
        Assert.Equal("3", coupon.Form["duration_in_months"]);
        Assert.Equal("prod_" + world.CustomerId, coupon.Form["applies_to[products][0]"]);
        var session = factory.StripeApi.Requests[^1];
        // The fixture's coupon id is what Stripe answered; the session uses the id Stripe returned.
        Assert.Equal((string)StripeFixtures.Resource("coupon")["id"]!, session.Form["discounts[0][coupon]"]);
        Assert.Equal(code, session.Form["subscription_data[metadata][coupon_code]"]);
    }

    [Fact]
    public async Task Start_ExpiredCoupon_ClearMessageAndNoStripeCall()
    {
        var world = await factory.SeedAsync();
        var code = "OLD" + world.CustomerId[^6..].ToUpperInvariant();
        await AddCouponAsync(code, CouponTerms.Percent(code, 10, CouponDuration.Once), expiresAt: factory.Clock.GetUtcNow().AddDays(-1));
        await using var scope = factory.Services.CreateAsyncScope();
        var (url, error) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "m@example.test",
            new CheckoutChoice { PriceId = world.PriceId, CouponCode = code });
        Assert.Null(url);
        Assert.Contains($"Coupon {code} expired", error);
        Assert.Empty(factory.StripeApi.Requests);
    }

    [Fact]
    public async Task Start_UnknownCoupon_ClearMessageAndNoStripeCall()
    {
        var world = await factory.SeedAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var (url, error) = await Scoped<StripeCheckout>(scope).StartAsync(world.MemberId, "m@example.test",
            new CheckoutChoice { PriceId = world.PriceId, CouponCode = "NOSUCHCODE" });
        Assert.Null(url);
        Assert.Equal("The coupon code NOSUCHCODE is not valid.", error);
        Assert.Empty(factory.StripeApi.Requests);
    }

    [Fact]
    public async Task CatalogSync_Twice_SecondRunCreatesNothing()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/products", StripeFixtures.Resource("product"))
            .Reply(HttpMethod.Post, "/v1/prices", StripeFixtures.Resource("price"));
        await using var scope = factory.Services.CreateAsyncScope();
        var sync = Scoped<StripeCatalogSync>(scope);

        var first = await sync.SyncAsync([world.ProductId]);
        var productPath = $"/v1/products/{StripeFixtures.Resource("product")["id"]}";
        factory.StripeApi.Reply(HttpMethod.Post, productPath, StripeFixtures.Resource("product"));
        var second = await sync.SyncAsync([world.ProductId]);

        Assert.True(first.Succeeded);
        Assert.Equal(1, first.PricesCreated);
        Assert.True(second.Succeeded, string.Join(" ", second.Errors));
        Assert.Equal(0, second.PricesCreated);
        Assert.Single(factory.StripeApi.Requests, r => r.Path == "/v1/prices");
        Assert.Equal(productPath, factory.StripeApi.Requests[^1].Path);
    }

    [Fact]
    public async Task Pages_InStripeMode_OfferSyncAndHostedPayment()
    {
        var world = await factory.SeedAsync();
        await factory.CreateUserAsync("stripe.owner@example.test", "a long owner passphrase", MembershipPortal.Infrastructure.Identity.PortalRoles.Owner);
        var owner = factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(owner, "stripe.owner@example.test", "a long owner passphrase");

        var catalog = await owner.GetStringAsync("/admin/catalog");
        Assert.Contains("data-testid=\"stripe-sync\"", catalog);
        var checkout = await owner.GetStringAsync($"/checkout?price={world.PriceId}");
        Assert.Contains("data-testid=\"hosted-payment\"", checkout);
        Assert.DoesNotContain("data-testid=\"card-number\"", checkout);
        Assert.Contains("Continue to secure payment", checkout);
    }
}
