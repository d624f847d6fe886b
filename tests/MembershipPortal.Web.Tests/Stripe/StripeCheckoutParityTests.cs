using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// Stripe Checkout charges what the test gateway's checkout charges: setup fees once on the first invoice, and a box's
/// shipping rate for the chosen country on every payment (a recurring line Stripe bills with each renewal).
/// </summary>
public sealed class StripeCheckoutParityTests : IDisposable
{
    private readonly StripePortalFactory factory = (StripePortalFactory)new StripePortalFactory().WithSetting("Portal:PublicUrl", "https://portal.test");

    public void Dispose() => factory.Dispose();

    /// <summary>A member and a product of <paramref name="kind"/> on a mapped monthly $20 price with the given setup fee.</summary>
    private async Task<StripeWorld> SeedAsync(ProductKind kind, long setupFeeMinor = 0)
    {
        var key = Guid.NewGuid().ToString("N")[..12];
        var member = await factory.CreateUserAsync($"member-{key}@example.test", "a long member passphrase");
        var product = new Product { Name = "Crate", Slug = $"crate-{key}", Kind = kind, Rank = 1, CreatedAt = factory.Clock.GetUtcNow(), StripeProductId = $"prod_{key}" };
        var price = CatalogPrice.Create(product.Id, new PriceTerms(new Money(2000, "USD"), BillingInterval.Month,
            setupFee: setupFeeMinor > 0 ? new Money(setupFeeMinor, "USD") : null));
        var world = new StripeWorld(member.Id, $"cus_{key}", $"sub_{key}", $"price_{key}", price.Id, product.Id);
        await using var db = await factory.DbAsync();
        db.Products.Add(product);
        db.Prices.Add(price);
        db.Entry(price).Property("StripePriceId").CurrentValue = world.StripePriceId;
        await db.SaveChangesAsync();
        return world;
    }

    private async Task AddRateAsync(string country, long minor, string currency = "USD")
    {
        await using var db = await factory.DbAsync();
        db.ShippingZones.Add(new ShippingZone { Name = country, AmountMinor = minor, Currency = currency, UpdatedAt = factory.Clock.GetUtcNow(), Countries = [new() { Country = country }] });
        await db.SaveChangesAsync();
    }

    private async Task<(string? Url, string? Error)> StartAsync(StripeWorld world, string? country = null, string? coupon = null)
    {
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/products", StripeFixtures.Resource("product"))
            .Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, "/v1/customers", StripeFixtures.Resource("customer"))
            .Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));
        await using var scope = factory.Services.CreateAsyncScope();
        var choice = new CheckoutChoice { PriceId = world.PriceId, CouponCode = coupon };
        if (country is not null)
            choice.Shipping = new AddressInput { Country = country };
        return await scope.ServiceProvider.GetRequiredService<StripeCheckout>().StartAsync(world.MemberId, "m@example.test", choice);
    }

    private RecordedRequest Session => factory.StripeApi.Requests.Last(r => r.Path == "/v1/checkout/sessions");

    [Fact]
    public async Task Start_PriceWithSetupFee_SessionCarriesAOneTimeSetupFeeLine()
    {
        var world = await SeedAsync(ProductKind.Membership, setupFeeMinor: 1500);

        var (url, error) = await StartAsync(world);

        Assert.Null(error);
        Assert.NotNull(url);
        var product = factory.StripeApi.Requests.Single(r => r.Path == "/v1/products");
        Assert.Equal("mp_setup_fee", product.Form["id"]);
        Assert.Equal("product-create:mp_setup_fee", product.IdempotencyKey);
        var session = Session;
        Assert.Equal(world.StripePriceId, session.Form["line_items[0][price]"]);
        Assert.Equal("mp_setup_fee", session.Form["line_items[1][price_data][product]"]);
        Assert.Equal("1500", session.Form["line_items[1][price_data][unit_amount]"]);
        Assert.Equal("usd", session.Form["line_items[1][price_data][currency]"]);
        Assert.Equal("1", session.Form["line_items[1][quantity]"]);
        // One-time: no recurring terms, so Stripe bills it on the first invoice only.
        Assert.DoesNotContain(session.Form.Keys, k => k.StartsWith("line_items[1][price_data][recurring]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_PriceWithoutSetupFee_SessionHasOnlyTheCatalogLine()
    {
        var world = await SeedAsync(ProductKind.Membership);

        await StartAsync(world);

        Assert.DoesNotContain(factory.StripeApi.Requests, r => r.Path == "/v1/products");
        Assert.DoesNotContain(Session.Form.Keys, k => k.StartsWith("line_items[1]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SetupFeeAndUnrestrictedCoupon_CouponRestrictedToCatalogProductsSoTheFeeIsNotDiscounted()
    {
        var world = await SeedAsync(ProductKind.Membership, setupFeeMinor: 1500);
        var code = "TEN" + world.CustomerId[^6..].ToUpperInvariant();
        await using (var db = await factory.DbAsync())
        {
            var coupon = Coupon.Create(CouponTerms.Percent(code, 10, CouponDuration.Once));
            db.Coupons.Add(coupon);
            db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
            await db.SaveChangesAsync();
        }

        var (_, error) = await StartAsync(world, coupon: code);

        Assert.Null(error);
        var coupons = factory.StripeApi.Requests.Single(r => r.Path == "/v1/coupons");
        var products = coupons.Form.Where(f => f.Key.StartsWith("applies_to[products]", StringComparison.Ordinal)).Select(f => f.Value).ToList();
        Assert.Contains($"prod_{world.CustomerId[4..]}", products);
        Assert.DoesNotContain("mp_setup_fee", products);
    }

    [Fact]
    public async Task Start_BoxToARatedCountry_RecurringShippingLineAtTheBoxIntervalAndStripeOffersOnlyThatCountry()
    {
        var world = await SeedAsync(ProductKind.Box);
        await AddRateAsync("US", 700);
        await AddRateAsync("CA", 1200);

        var (url, error) = await StartAsync(world, country: "CA");

        Assert.Null(error);
        Assert.NotNull(url);
        Assert.Equal("mp_shipping", factory.StripeApi.Requests.Single(r => r.Path == "/v1/products").Form["id"]);
        var form = Session.Form;
        Assert.Equal("mp_shipping", form["line_items[1][price_data][product]"]);
        Assert.Equal("1200", form["line_items[1][price_data][unit_amount]"]);
        Assert.Equal("month", form["line_items[1][price_data][recurring][interval]"]);
        Assert.Equal("1", form["line_items[1][price_data][recurring][interval_count]"]);
        Assert.Equal("CA", form["shipping_address_collection[allowed_countries][0]"]);
        Assert.False(form.ContainsKey("shipping_address_collection[allowed_countries][1]"));
    }

    [Fact]
    public async Task Start_BoxToACountryNotShippedTo_RefusedWithoutCallingStripe()
    {
        var world = await SeedAsync(ProductKind.Box);
        await AddRateAsync("US", 700);

        var (url, error) = await StartAsync(world, country: "DE");

        Assert.Null(url);
        Assert.Equal("Choose a country we ship to.", error);
        Assert.Empty(factory.StripeApi.Requests);
    }

    [Fact]
    public async Task Start_RateInAnotherCurrency_NoShippingLineButStripeStillOffersOnlyThatCountry()
    {
        var world = await SeedAsync(ProductKind.Box);
        await AddRateAsync("GB", 500, "GBP");

        await StartAsync(world, country: "GB");

        Assert.DoesNotContain(Session.Form.Keys, k => k.StartsWith("line_items[1]", StringComparison.Ordinal));
        Assert.Equal("GB", Session.Form["shipping_address_collection[allowed_countries][0]"]);
    }

    [Fact]
    public async Task SubscriptionCreated_WithOurShippingItem_LedgerHoldsOnlyTheCatalogItem()
    {
        var world = await SeedAsync(ProductKind.Box);
        var start = factory.Clock.GetUtcNow().AddDays(-1);
        var sub = StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", start, start.AddMonths(1));
        var shipping = sub["items"]!["data"]![0]!.DeepClone().AsObject();
        shipping["id"] = "si_ship_" + world.CustomerId;
        shipping["price"]!["id"] = "price_ship_" + world.CustomerId;
        shipping["price"]!["product"] = "mp_shipping";
        shipping["price"]!["unit_amount"] = 700;
        sub["items"]!["data"]!.AsArray().Add(shipping);

        var response = await factory.PostEventAsync(StripeEvents.Envelope("evt_ship_" + world.CustomerId, "customer.subscription.created", start, sub));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await factory.DbAsync();
        var local = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == world.MemberId);
        Assert.Equal(world.PriceId, Assert.Single(local.Items).PriceId);
        // MRR counts the box, not the shipping Stripe collects with it.
        Assert.Equal(2000, local.MonthlyRecurringMinor());
        // What Stripe bills for shipping is kept for the skip credit and the next charge.
        Assert.Equal(700, await MembershipPortal.Infrastructure.Payments.Stripe.StripeShippingCharge.GetAsync(db, local.Id, default));
        await using var scope = factory.Services.CreateAsyncScope();
        var next = await scope.ServiceProvider.GetRequiredService<RenewalRun>().NextChargeAsync(db, local, default);
        Assert.Equal(2700, next.Minor);
    }
}
