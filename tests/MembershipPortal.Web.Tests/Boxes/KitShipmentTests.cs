using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// A mailed kit on a membership ships: one parcel per cycle on the kit's calendar (the test kit keeps the default cut-off
/// on the 12th and ship day on the 15th), none for a membership without a kit or a skipped kit, one parcel holding box and
/// kit when a box subscription carries the kit; the kit is in the fulfilment admin, its export and the tracking import.
/// </summary>
public sealed class KitShipmentTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    internal static readonly AddressInput Address = new() { Name = "Grace Hopper", Line1 = "7 Kit Lane", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" };

    private async Task<T> Use<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    internal static async Task<(string Id, Guid SubscriptionId)> BuyAsync(MemberAdminFixture fixture, Guid priceId, params Guid[] addOns)
    {
        var email = $"kit{Guid.NewGuid():N}@example.test";
        var user = await fixture.Factory.CreateUserAsync(email, "a long member passphrase");
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
            new CheckoutChoice { PriceId = priceId, AddOnPriceIds = [.. addOns], Shipping = Address }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        await using var db = await fixture.Db();
        return (user.Id, await db.Subscriptions.Where(s => s.MemberId == user.Id).Select(s => s.Id).SingleAsync());
    }

    private async Task<Guid> ProductOfAsync(Guid priceId)
    {
        await using var db = await fixture.Db();
        return await db.Prices.Where(p => p.Id == priceId).Select(p => p.ProductId).SingleAsync();
    }

    private async Task<List<Shipment>> ShipmentsOfAsync(Guid subscriptionId)
    {
        await using var db = await fixture.Db();
        return await db.Shipments.Where(s => s.SubscriptionId == subscriptionId).OrderBy(s => s.Cycle).ToListAsync();
    }

    [Fact]
    public async Task Generate_MembershipWithKit_OneKitParcelPerCycle_MembershipWithoutKit_None()
    {
        var kit = await ProductOfAsync(fixture.Catalog.KitMonthly);
        var cycle = BoxTimeline.Open(fixture.Factory);
        var withKit = await BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        var withoutKit = await BuyAsync(fixture, fixture.Catalog.ProMonthly);

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        var first = await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        var again = await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle.Next()));

        Assert.True(first.Created >= 1);
        Assert.Equal(0, again.Created);
        var parcels = await ShipmentsOfAsync(withKit.SubscriptionId);
        Assert.Equal([cycle.ToString(), cycle.Next().ToString()], parcels.Select(p => p.Cycle));
        Assert.All(parcels, p => Assert.Equal(kit, p.ProductId));
        var line = Assert.Single(parcels[0].Lines); // the kit only: the membership is not mailed
        Assert.Equal((kit, "Craft Kit", 1, 1200L), (line.ProductId, line.Description, line.Quantity, line.UnitPriceMinor));
        Assert.Equal(("Grace Hopper", "7 Kit Lane"), (parcels[0].Address.Name, parcels[0].Address.Line1));
        Assert.Empty(await ShipmentsOfAsync(withoutKit.SubscriptionId));
    }

    // The rule for a yearly membership with a kit: the kit is priced yearly (twelve kits prepaid) and still ships monthly.
    [Fact]
    public async Task Generate_YearlyMembershipWithYearlyKit_ShipsEveryMonth_MonthlyKitOnYearlyPlanRefused()
    {
        var kit = await ProductOfAsync(fixture.Catalog.KitMonthly);
        var yearlyKit = CatalogPrice.Create(kit, new PriceTerms(new Money(12_000, "USD"), BillingInterval.Year));
        await using (var db = await fixture.Db())
        {
            db.Prices.Add(yearlyKit);
            await db.SaveChangesAsync();
        }
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await BuyAsync(fixture, fixture.Catalog.ProYearly, yearlyKit.Id);
        var user = await fixture.Factory.CreateUserAsync($"mixed{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var mixed = await Use(sp => sp.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, "mixed@example.test",
            new CheckoutChoice { PriceId = fixture.Catalog.ProYearly, AddOnPriceIds = [fixture.Catalog.KitMonthly], Shipping = Address },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123")));

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle.Next()));

        Assert.False(mixed.Succeeded);
        Assert.Contains("same billing interval", mixed.Error); // refused while loading the items, before the card is charged
        var parcels = await ShipmentsOfAsync(buyer.SubscriptionId);
        Assert.Equal([cycle.ToString(), cycle.Next().ToString()], parcels.Select(p => p.Cycle));
        Assert.Equal(1000L, parcels[0].Lines.Single().UnitPriceMinor); // a twelfth of the year's kit price per parcel
    }

    [Fact]
    public async Task Generate_SkippedKit_NoParcelForThatCycle_NextCycleShips()
    {
        var kit = await ProductOfAsync(fixture.Catalog.KitMonthly);
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        await using (var db = await fixture.Db())
        {
            db.BoxSkips.Add(new BoxSkip { SubscriptionId = buyer.SubscriptionId, Cycle = cycle.ToString(), At = fixture.Factory.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        var report = await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle.Next()));

        Assert.True(report.Skipped >= 1);
        Assert.Equal([cycle.Next().ToString()], (await ShipmentsOfAsync(buyer.SubscriptionId)).Select(s => s.Cycle));
    }

    [Fact]
    public async Task Generate_BoxWithKit_OneParcelHoldingBoth_KitRunAddsNothing()
    {
        var kit = await ProductOfAsync(fixture.Catalog.KitMonthly);
        var box = await ProductOfAsync(fixture.Catalog.BoxMonthly);
        await using (var db = await fixture.Db())
        {
            var product = await db.Products.SingleAsync(p => p.Id == kit);
            product.AttachableTo = [.. product.AttachableTo, box];
            await db.SaveChangesAsync();
        }
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await BuyAsync(fixture, fixture.Catalog.BoxMonthly, fixture.Catalog.KitMonthly);

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        var kitRunFirst = await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(box, cycle));
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));

        Assert.True(kitRunFirst.InAnotherParcel >= 1);
        var parcel = Assert.Single(await ShipmentsOfAsync(buyer.SubscriptionId));
        Assert.Equal(box, parcel.ProductId);
        Assert.Equal(["Tea Box", "Craft Kit"], parcel.Lines.Select(l => l.Description));
    }

    [Fact]
    public async Task Admin_KitListedExportedSlippedAndTrackingImported_MemberEmailedOnce()
    {
        var kit = await ProductOfAsync(fixture.Catalog.KitMonthly);
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await BuyAsync(fixture, fixture.Catalog.BasicMonthly, fixture.Catalog.KitMonthly);
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle));
        var shipment = Assert.Single(await ShipmentsOfAsync(buyer.SubscriptionId));

        var listed = await Use(sp => sp.GetRequiredService<ShipmentService>().BoxProductsAsync());
        Assert.Contains(listed, p => p.Id == kit && p.IsKit && p.Name == "Craft Kit");
        using var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        var csv = await staff.GetStringAsync($"/admin/boxes/{kit}/{cycle}/export.csv");
        var row = Assert.Single(csv.Split('\n'), l => l.StartsWith(shipment.Id.ToString(), StringComparison.Ordinal));
        Assert.Contains("7 Kit Lane", row);
        Assert.Contains("1 × Craft Kit", row);
        Assert.Contains("7 Kit Lane", await staff.GetStringAsync($"/admin/boxes/{kit}/{cycle}/slips"));

        var import = await Use(sp => sp.GetRequiredService<TrackingImport>().ImportAsync($"shipment_id,carrier,tracking_number\n{shipment.Id},USPS,9400 KIT\n"));
        Assert.True(import.Applied, string.Join("; ", import.Problems));
        await using var db = await fixture.Db();
        Assert.Equal(("USPS", "9400 KIT", ShipmentStatus.Shipped), await db.Shipments.Where(s => s.Id == shipment.Id).Select(s => ValueTuple.Create(s.Carrier, s.TrackingNumber, s.Status)).SingleAsync());
        Assert.Equal(1, await db.Outbox.CountAsync(o => o.MemberId == buyer.Id && o.Kind == "box-shipped"));
    }

    [Fact]
    public async Task Checkout_MembershipWithKit_AddressRequired_MembershipAlone_NotAsked()
    {
        var user = await fixture.Factory.CreateUserAsync($"kitcheckout{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var card = new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123");

        var refused = await Use(sp => sp.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, "kitcheckout@example.test",
            new CheckoutChoice { PriceId = fixture.Catalog.ProMonthly, AddOnPriceIds = [fixture.Catalog.KitMonthly] }, card));
        var alone = await Use(sp => sp.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, "kitcheckout@example.test",
            new CheckoutChoice { PriceId = fixture.Catalog.ProMonthly }, card));

        Assert.False(refused.Succeeded);
        Assert.Equal("A shipping address is needed for physical items.", refused.Error);
        Assert.True(alone.Succeeded, alone.Error);
    }
}

/// <summary>The cut-off job generates a mailed kit's cycle by itself, as it does a box's (own fixture: the job records each cycle once).</summary>
public sealed class KitCutoffRunTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task RunOnce_PastTheKitsCutoff_GeneratesTheMembershipsKitParcel_Once()
    {
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        BoxTimeline.PastCutoff(fixture.Factory, cycle);

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BoxCutoffRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());
            await scope.ServiceProvider.GetRequiredService<BoxCutoffRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());
        }

        await using var db = await fixture.Db();
        Assert.Equal([cycle.ToString()], await db.Shipments.Where(s => s.SubscriptionId == buyer.SubscriptionId).Select(s => s.Cycle).ToListAsync());
    }
}

/// <summary>
/// A member skips a month's kit on their membership at /account/boxes' service: no parcel that month and the kit left off
/// the renewal paying for it, the membership still charged. Joins on 23 Nov 2026 (after November's cut-off): checkout pays
/// for December's kit, the 23 Dec renewal for January's. Own fixture: this class sets the clock to fixed dates.
/// </summary>
public sealed class KitSkipTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly Domain.Boxes.CycleKey December = new(2026, 12), January = new(2027, 1);

    private async Task<T> Use<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    [Fact]
    public async Task SkipJanuarysKit_ListedForTheMember_RenewalChargesTheMembershipOnly_NoJanuaryParcel()
    {
        var buyer = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        var plain = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly);
        Guid kit;
        await using (var db = await fixture.Db())
            kit = await db.Prices.Where(p => p.Id == fixture.Catalog.KitMonthly).Select(p => p.ProductId).SingleAsync();

        var listed = Assert.Single(await Use(sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(buyer.Id)));
        Assert.Equal(("Craft Kit", December, kit), (listed.ProductName, listed.Upcoming, listed.BoxProductId));
        Assert.Empty(await Use(sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(plain.Id)));
        Assert.Null(await Use(sp => sp.GetRequiredService<ShipmentService>().SkipAsync(buyer.Id, buyer.SubscriptionId, January)));
        Assert.Equal("This subscription has no box.", await Use(sp => sp.GetRequiredService<ShipmentService>().SkipAsync(plain.Id, plain.SubscriptionId, January)));

        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 1, 0, TimeSpan.Zero));
        await Use(sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow()));
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, December));
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 13, 1, 0, 0, TimeSpan.Zero));
        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, January));

        await using var check = await fixture.Db();
        var renewal = await check.Invoices.Where(i => i.SubscriptionId == buyer.SubscriptionId).OrderBy(i => i.CreatedAt).LastAsync();
        Assert.Equal(1900, renewal.TotalMinor); // Pro at 19.00; the 12.00 kit left off
        Assert.Equal(["2026-12"], await check.Shipments.Where(s => s.SubscriptionId == buyer.SubscriptionId).Select(s => s.Cycle).ToListAsync());
    }
}
