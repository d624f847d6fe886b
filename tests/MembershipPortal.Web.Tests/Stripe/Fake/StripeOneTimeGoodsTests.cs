using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// A one-time physical product (a 15.00 starter kit) bought with a membership through Stripe Checkout: a one-time Stripe
/// price on the session, billed by Stripe on the first invoice only, recorded from the paid invoice's webhook exactly as
/// the test gateway's checkout records it, and shipped once. The member joins on 23 Nov 2026, after November's cut-off,
/// so the kit waits for December's own parcel.
/// </summary>
public sealed class StripeOneTimeGoodsTests : IDisposable
{
    private static readonly CycleKey December = new(2026, 12), January = new(2027, 1);

    private readonly StripeFakePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    internal static JsonObject StripeAddress() => new()
    {
        ["city"] = "Springfield",
        ["country"] = "US",
        ["line1"] = "7 Kit Lane",
        ["line2"] = null,
        ["postal_code"] = "62701",
        ["state"] = "IL",
    };

    private async Task<(Guid Product, Guid Price)> StarterKitAsync()
    {
        var starter = new Product
        {
            Name = "Starter Kit",
            Slug = $"starter-{Guid.NewGuid():N}",
            Kind = ProductKind.AddOn,
            AddOnBilling = AddOnBilling.OneTime,
            ShipsPhysically = true,
            CreatedAt = factory.Clock.GetUtcNow(),
        };
        var price = CatalogPrice.Create(starter.Id, new PriceTerms(new Money(1500, "USD"), BillingInterval.Month));
        await using var db = await factory.DbAsync();
        db.Products.Add(starter);
        db.Prices.Add(price);
        await db.SaveChangesAsync();
        return (starter.Id, price.Id);
    }

    private async Task<T> UseAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>The checkout page offers the one-time product in Stripe mode too, beside the hosted payment button.</summary>
    [Fact]
    public async Task CheckoutPage_StripeMode_OffersTheOneTimeProduct()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        await StarterKitAsync();
        var member = await factory.SignedInClientAsync("starter.page@example.test");
        var page = await member.GetStringAsync($"/checkout?price={world.PriceId}");
        Assert.Contains("data-testid=\"hosted-payment\"", page);
        Assert.Contains("data-testid=\"one-time\"", page);
        Assert.Contains("Starter Kit · $15.00 once · shipped to you", System.Net.WebUtility.HtmlDecode(page));
    }

    [Fact]
    public async Task Checkout_MembershipWithOneTimeKit_BilledOnceByStripe_RecordedOnce_ShipsExactlyOnce()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var (starter, starterPrice) = await StarterKitAsync();
        var fake = factory.Fake;

        var (url, error) = await UseAsync(sp => sp.GetRequiredService<StripeCheckout>().StartAsync(world.MemberId, "starter@example.test", new CheckoutChoice
        {
            PriceId = world.PriceId,
            OneTimePriceIds = [starterPrice],
            Shipping = new AddressInput { Name = "Grace Hopper", Line1 = "7 Kit Lane", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        }));
        Assert.True(url is not null, error);
        var subscriptionId = fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..], StripeAddress());
        await factory.DeliverAsync();

        // At Stripe: the kit is a one-time price, on the first invoice and not a subscription item.
        var kitPrice = Assert.Single(fake.All("price"), p => (string?)p["metadata"]!["price_id"] == starterPrice.ToString());
        Assert.Equal(("one_time", (JsonNode?)null), ((string?)kitPrice["type"], kitPrice["recurring"]));
        Assert.Equal(2000, Assert.Single(fake.Get(subscriptionId)!["items"]!["data"]!.AsArray())!["price"]!["unit_amount"].L());
        await using (var db = await factory.DbAsync())
        {
            var invoice = await db.Invoices.SingleAsync(i => i.MemberId == world.MemberId);
            Assert.Equal((InvoiceStatus.Paid, 3500L), (invoice.Status, invoice.AmountPaidMinor));
            Assert.Contains(invoice.Lines, l => l.Description.Contains("Starter Kit", StringComparison.Ordinal) && l.AmountMinor == 1500);
            var extra = await db.BoxExtras.SingleAsync(e => e.MemberId == world.MemberId);
            Assert.Equal((starter, starterPrice, invoice.Id, 1500L, "2026-12", BoxExtraStatus.Pending),
                (extra.ProductId, extra.PriceId, extra.InvoiceId, extra.AmountMinor, extra.Cycle, extra.Status));
            Assert.StartsWith("pi_", extra.GatewayPaymentId);
            Assert.Equal((await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).Id, extra.SubscriptionId);
        }

        // Stripe delivers the paid invoice again, and a replay carries it under another event id: nothing is recorded twice.
        var paid = fake.Events().Where(e => (string?)e["type"] == "invoice.paid").ToList();
        foreach (var evt in paid)
        {
            Assert.True((await factory.PostEventAsync(evt.ToJsonString())).IsSuccessStatusCode);
            var copy = evt.DeepClone().AsObject();
            copy["id"] = $"{evt["id"]}_again";
            Assert.True((await factory.PostEventAsync(copy.ToJsonString())).IsSuccessStatusCode);
        }
        await using (var db = await factory.DbAsync())
            Assert.Equal(1, await db.BoxExtras.CountAsync(e => e.MemberId == world.MemberId));

        // December's cut-off: the kit's own parcel, once; the renewal on 23 December bills the membership alone; January ships nothing.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 1, 0, 0, TimeSpan.Zero));
        var first = await UseAsync(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(starter, December));
        var again = await UseAsync(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(starter, December));
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 5, 0, TimeSpan.Zero));
        Assert.Equal(1, fake.AdvanceBilling());
        await factory.DeliverAsync();
        factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 13, 1, 0, 0, TimeSpan.Zero));
        var january = await UseAsync(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(starter, January));

        Assert.Equal((1, 0, 0), (first.Created, again.Created, january.Created));
        await using var check = await factory.DbAsync();
        var parcel = Assert.Single(await check.Shipments.Where(s => s.MemberId == world.MemberId).ToListAsync());
        Assert.Equal((starter, "2026-12", "7 Kit Lane"), (parcel.ProductId, parcel.Cycle, parcel.Address.Line1));
        Assert.Equal(["Starter Kit (one-time)"], parcel.Lines.Select(l => l.Description));
        Assert.Equal(BoxExtraStatus.Packed, (await check.BoxExtras.SingleAsync(e => e.MemberId == world.MemberId)).Status);
        var invoices = await check.Invoices.Where(i => i.MemberId == world.MemberId).OrderBy(i => i.CreatedAt).ToListAsync();
        Assert.Equal([3500L, 2000L], invoices.Select(i => i.TotalMinor)); // the starter kit on the first invoice only
    }

    [Fact]
    public async Task Checkout_OneTimeKitWithACoupon_CouponLeavesTheKitAlone()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var (_, starterPrice) = await StarterKitAsync();
        await using (var db = await factory.DbAsync())
        {
            var coupon = Coupon.Create(CouponTerms.Percent("HALF", 50, CouponDuration.Forever));
            db.Coupons.Add(coupon);
            db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
            await db.SaveChangesAsync();
        }

        var (url, error) = await UseAsync(sp => sp.GetRequiredService<StripeCheckout>().StartAsync(world.MemberId, "half@example.test", new CheckoutChoice
        {
            PriceId = world.PriceId,
            OneTimePriceIds = [starterPrice],
            CouponCode = "HALF",
            Shipping = new AddressInput { Country = "US" },
        }));
        Assert.True(url is not null, error);
        factory.Fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..], StripeAddress());
        await factory.DeliverAsync();

        var invoice = Assert.Single(factory.Fake.All("invoice"));
        Assert.Equal((3500L, 1000L, 2500L), (invoice["subtotal"].L(), invoice["total_discount_amounts"]!.AsArray().Sum(d => d!["amount"].L()), invoice["total"].L()));
    }

    [Fact]
    public async Task Checkout_OneTimeProductSyncedAsRecurringBefore_ReplacedByAOneTimePrice_NeverASubscriptionItem()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var (starter, starterPrice) = await StarterKitAsync();
        // What the catalog sync of an earlier version left: a recurring Stripe price for the one-time product.
        var dashboard = factory.Fake.DashboardClient();
        var product = await dashboard.V1.Products.CreateAsync(new global::Stripe.ProductCreateOptions { Name = "Starter Kit" });
        var recurring = await dashboard.V1.Prices.CreateAsync(new global::Stripe.PriceCreateOptions
        {
            Product = product.Id,
            UnitAmount = 1500,
            Currency = "usd",
            Recurring = new global::Stripe.PriceRecurringOptions { Interval = "month" },
        });
        await using (var db = await factory.DbAsync())
        {
            (await db.Products.SingleAsync(p => p.Id == starter)).StripeProductId = product.Id;
            db.Entry(await db.Prices.SingleAsync(p => p.Id == starterPrice)).Property("StripePriceId").CurrentValue = recurring.Id;
            await db.SaveChangesAsync();
        }

        var (url, error) = await UseAsync(sp => sp.GetRequiredService<StripeCheckout>().StartAsync(world.MemberId, "old@example.test", new CheckoutChoice
        {
            PriceId = world.PriceId,
            OneTimePriceIds = [starterPrice],
            Shipping = new AddressInput { Country = "US" },
        }));
        Assert.True(url is not null, error);
        var subscriptionId = factory.Fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..], StripeAddress());
        await factory.DeliverAsync();

        await using var check = await factory.DbAsync();
        var now = (string?)check.Entry(await check.Prices.SingleAsync(p => p.Id == starterPrice)).Property("StripePriceId").CurrentValue;
        Assert.NotEqual(recurring.Id, now);
        Assert.Equal("one_time", (string?)factory.Fake.Get(now!)!["type"]);
        Assert.Single(factory.Fake.Get(subscriptionId)!["items"]!["data"]!.AsArray());
        Assert.Equal([world.PriceId], (await check.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == world.MemberId)).Items.Select(i => i.PriceId));
        Assert.Equal(1, await check.BoxExtras.CountAsync(e => e.MemberId == world.MemberId));
    }
}
