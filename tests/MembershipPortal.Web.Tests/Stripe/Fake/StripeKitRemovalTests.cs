using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.Reconciliation;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// "Remove the kit at the period end" and "Keep" with Stripe as the billing engine. The member joins Pro + a monthly 12.00
/// kit on 23 Nov 2026 (period ends 23 Dec); December's kit is cut off on the 12th. Removing deletes the kit's Stripe item
/// at once without proration (the period is paid), while the portal keeps it flagged so December's kit still ships; the
/// 23 December renewal bills Pro alone and January has no kit parcel.
/// </summary>
public sealed class StripeKitRemovalTests : IDisposable
{
    private static readonly CycleKey December = new(2026, 12), January = new(2027, 1);

    private readonly StripeFakePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private sealed record Member(string MemberId, string StripeSubscriptionId, Guid SubscriptionId, Guid Kit);

    private async Task<Member> MemberWithKitAsync(long? shippingMinor = null)
    {
        var world = await factory.SeedAsync(mapPrice: false);
        if (shippingMinor is { } rate)
        {
            await using var db = await factory.DbAsync();
            db.ShippingZones.Add(new ShippingZone { Name = "US", AmountMinor = rate, Currency = "USD", UpdatedAt = factory.Clock.GetUtcNow(), Countries = [new() { Country = "US" }] });
            await db.SaveChangesAsync();
        }
        var kit = new Product
        {
            Name = "Craft Kit",
            Slug = $"kit-{Guid.NewGuid():N}",
            Kind = ProductKind.AddOn,
            AddOnBilling = AddOnBilling.Recurring,
            ShipsPhysically = true,
            CreatedAt = factory.Clock.GetUtcNow(),
        };
        var kitPrice = CatalogPrice.Create(kit.Id, PriceTerms.Monthly(new Money(1200, "USD")));
        await using (var db = await factory.DbAsync())
        {
            db.Products.Add(kit);
            db.Prices.Add(kitPrice);
            await db.SaveChangesAsync();
        }
        var (url, error) = await UseAsync(sp => sp.GetRequiredService<StripeCheckout>().StartAsync(world.MemberId, "kit@example.test", new CheckoutChoice
        {
            PriceId = world.PriceId,
            AddOnPriceIds = [kitPrice.Id],
            Shipping = new AddressInput { Country = "US" },
        }));
        Assert.True(url is not null, error);
        var stripeSubscription = factory.Fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..], StripeOneTimeGoodsTests.StripeAddress());
        await factory.DeliverAsync();
        Assert.Equal(shippingMinor is null ? 2 : 3, StripeItems(stripeSubscription).Count);
        return new Member(world.MemberId, stripeSubscription, (await LocalAsync(world.MemberId)).Id, kit.Id);
    }

    private async Task<T> UseAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private Task<string?> RemoveAsync(Member m) => UseAsync(sp => sp.GetRequiredService<BoxControls>().RemoveKitAsync(m.MemberId, m.SubscriptionId, m.Kit));

    private Task<string?> KeepAsync(Member m) => UseAsync(sp => sp.GetRequiredService<BoxControls>().KeepKitAsync(m.MemberId, m.SubscriptionId, m.Kit));

    private List<long> StripeItems(string subscriptionId) =>
        [.. factory.Fake.Get(subscriptionId)!["items"]!["data"]!.AsArray().Select(i => i!["price"]!["unit_amount"].L()).Order()];

    private async Task<Subscription> LocalAsync(string memberId)
    {
        await using var db = await factory.DbAsync();
        return await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == memberId);
    }

    private async Task AssertAgreesWithStripeAsync()
    {
        var report = await factory.Services.GetRequiredService<StripeReconciliation>().CompareAsync();
        Assert.True(report.Agrees, string.Join("; ", report.Differences.SelectMany(d => d.Fields.Select(f => $"{f.Field}: {f.Portal} vs {f.Stripe}"))));
    }

    private Task<GenerationReport> GenerateAsync(Guid kit, CycleKey cycle) => UseAsync(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));

    [Fact]
    public async Task RemoveKit_Stripe_ItemDeletedAtStripeAtOnce_KitShipsThisCycle_RenewalBillsTheMembershipAlone_NoKitNextCycle()
    {
        var m = await MemberWithKitAsync();

        Assert.Null(await RemoveAsync(m));
        await factory.DeliverAsync();

        Assert.Equal([2000L], StripeItems(m.StripeSubscriptionId));
        var update = Assert.Single(factory.Fake.Requests, r => r.Method == "POST" && r.Path == $"/v1/subscriptions/{m.StripeSubscriptionId}");
        Assert.Equal("none", update.Form["proration_behavior"]);
        Assert.StartsWith("kit-remove:", update.IdempotencyKey);
        Assert.DoesNotContain(factory.Fake.All("invoice"), i => (string?)i["billing_reason"] == "subscription_update"); // nothing refunded or charged
        var local = await LocalAsync(m.MemberId);
        Assert.True(Assert.Single(local.Items, i => i.ProductId == m.Kit).EndsAtPeriodEnd);
        await AssertAgreesWithStripeAsync();

        // December's kit is paid for: it ships.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 1, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await GenerateAsync(m.Kit, December)).Created);

        // The renewal: Stripe bills Pro alone, and the webhook takes the kit off at the rollover.
        factory.Clock.SetUtcNow(local.CurrentPeriodEnd.AddMinutes(5));
        Assert.Equal(1, factory.Fake.AdvanceBilling());
        await factory.DeliverAsync();
        local = await LocalAsync(m.MemberId);
        Assert.DoesNotContain(local.Items, i => i.ProductId == m.Kit);
        Assert.Equal(SubscriptionStatus.Active, local.Status);
        await AssertAgreesWithStripeAsync();

        factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 13, 1, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await GenerateAsync(m.Kit, January)).Created);

        await using var db = await factory.DbAsync();
        var invoices = await db.Invoices.Where(i => i.MemberId == m.MemberId).OrderBy(i => i.CreatedAt).ToListAsync();
        Assert.Equal([3200L, 2000L], invoices.Select(i => i.TotalMinor));
        Assert.DoesNotContain(invoices[1].Lines, l => l.Description.Contains("Craft Kit", StringComparison.Ordinal));
        var parcels = await db.Shipments.Where(s => s.MemberId == m.MemberId).ToListAsync();
        Assert.Equal(["2026-12"], parcels.Select(p => p.Cycle));
        Assert.Equal(["Craft Kit"], parcels[0].Lines.Select(l => l.Description));
    }

    [Fact]
    public async Task KeepKit_Stripe_ItemAddedBackWithoutProration_NextRenewalBillsIt()
    {
        var m = await MemberWithKitAsync();
        Assert.Null(await RemoveAsync(m));
        await factory.DeliverAsync();
        factory.Clock.Advance(TimeSpan.FromDays(5));

        Assert.Null(await KeepAsync(m));
        await factory.DeliverAsync();

        Assert.Equal([1200L, 2000L], StripeItems(m.StripeSubscriptionId));
        var keep = factory.Fake.Requests.Last(r => r.Method == "POST" && r.Path == $"/v1/subscriptions/{m.StripeSubscriptionId}");
        Assert.Equal("none", keep.Form["proration_behavior"]);
        Assert.StartsWith("kit-keep:", keep.IdempotencyKey);
        var local = await LocalAsync(m.MemberId);
        Assert.False(Assert.Single(local.Items, i => i.ProductId == m.Kit).EndsAtPeriodEnd);
        await AssertAgreesWithStripeAsync();

        factory.Clock.SetUtcNow(local.CurrentPeriodEnd.AddMinutes(5));
        factory.Fake.AdvanceBilling();
        await factory.DeliverAsync();

        local = await LocalAsync(m.MemberId);
        Assert.Contains(local.Items, i => i.ProductId == m.Kit && !i.EndsAtPeriodEnd);
        await using var db = await factory.DbAsync();
        var renewal = await db.Invoices.Where(i => i.MemberId == m.MemberId).OrderBy(i => i.CreatedAt).LastAsync();
        Assert.Equal(3200L, renewal.TotalMinor);
        Assert.Contains(renewal.Lines, l => l.Description.Contains("Craft Kit", StringComparison.Ordinal) && l.AmountMinor == 1200);
    }

    [Fact]
    public async Task RemoveKit_StripeRefuses_PortalUnchanged_ClearMessage()
    {
        var m = await MemberWithKitAsync();
        var historyBefore = (await LocalAsync(m.MemberId)).Version;
        factory.Fake.RateLimitNext(5);

        var problem = await RemoveAsync(m);

        Assert.NotNull(problem);
        Assert.StartsWith("Craft Kit could not be removed at the payment provider just now, so nothing changed", problem);
        var local = await LocalAsync(m.MemberId);
        Assert.False(Assert.Single(local.Items, i => i.ProductId == m.Kit).EndsAtPeriodEnd);
        Assert.Equal(historyBefore, local.Version);
        factory.Fake.RateLimitNext(0);
        Assert.Equal([1200L, 2000L], StripeItems(m.StripeSubscriptionId));

        // Once Stripe answers again the removal goes through.
        Assert.Null(await RemoveAsync(m));
        Assert.Equal([2000L], StripeItems(m.StripeSubscriptionId));
    }

    [Fact]
    public async Task RemoveThenKeepKit_StripeWithShipping_TheShippingLineLeavesWithTheKitAndComesBack()
    {
        var m = await MemberWithKitAsync(shippingMinor: 500);
        Assert.Equal([500L, 1200L, 2000L], StripeItems(m.StripeSubscriptionId));

        Assert.Null(await RemoveAsync(m));
        await factory.DeliverAsync();
        Assert.Equal([2000L], StripeItems(m.StripeSubscriptionId)); // nothing mailed is left, so no shipping from the next renewal
        await AssertAgreesWithStripeAsync();

        Assert.Null(await KeepAsync(m));
        await factory.DeliverAsync();
        Assert.Equal([500L, 1200L, 2000L], StripeItems(m.StripeSubscriptionId));
        await AssertAgreesWithStripeAsync();

        factory.Clock.SetUtcNow((await LocalAsync(m.MemberId)).CurrentPeriodEnd.AddMinutes(5));
        factory.Fake.AdvanceBilling();
        await factory.DeliverAsync();
        await using var db = await factory.DbAsync();
        Assert.Equal([3700L, 3700L], await db.Invoices.Where(i => i.MemberId == m.MemberId).OrderBy(i => i.CreatedAt).Select(i => i.TotalMinor).ToListAsync());
    }

    [Fact]
    public async Task RemoveKit_StripeWithShipping_RenewalBillsTheMembershipAloneWithoutShipping()
    {
        var m = await MemberWithKitAsync(shippingMinor: 500);

        Assert.Null(await RemoveAsync(m));
        await factory.DeliverAsync();
        factory.Clock.SetUtcNow((await LocalAsync(m.MemberId)).CurrentPeriodEnd.AddMinutes(5));
        factory.Fake.AdvanceBilling();
        await factory.DeliverAsync();

        await using var db = await factory.DbAsync();
        Assert.Equal([3700L, 2000L], await db.Invoices.Where(i => i.MemberId == m.MemberId).OrderBy(i => i.CreatedAt).Select(i => i.TotalMinor).ToListAsync());
        await AssertAgreesWithStripeAsync();
    }
}
