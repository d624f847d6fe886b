using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// The member's kit controls beyond a single skip: pause the kit for 1–3 cycles, or remove it at the period end, and keep the
/// membership (content access never depends on the kit). Buyers join on 23 Nov 2026, after November's cut-off: checkout pays
/// for December's kit, the 23 Dec renewal for January's. Own fixtures: each class sets the clock to fixed dates.
/// </summary>
internal static class KitControlSteps
{
    public static readonly CycleKey December = new(2026, 12), January = new(2027, 1);

    public static async Task<T> Use<T>(MemberAdminFixture fixture, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public static async Task<(Guid Kit, Guid Pro)> ProductsAsync(MemberAdminFixture fixture)
    {
        await using var db = await fixture.Db();
        return (await db.Prices.Where(p => p.Id == fixture.Catalog.KitMonthly).Select(p => p.ProductId).SingleAsync(),
            await db.Prices.Where(p => p.Id == fixture.Catalog.ProMonthly).Select(p => p.ProductId).SingleAsync());
    }

    /// <summary>Generates December's kit cycle after its cut-off, renews on 23 Dec, then generates January's.</summary>
    public static async Task RenewAndGenerateAsync(MemberAdminFixture fixture, Guid kit)
    {
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 1, 0, 0, TimeSpan.Zero));
        await Use(fixture, sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, December));
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 1, 0, TimeSpan.Zero));
        await Use(fixture, sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow()));
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 13, 1, 0, 0, TimeSpan.Zero));
        await Use(fixture, sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(kit, January));
    }

    public static async Task<bool> ReadsProAsync(MemberAdminFixture fixture, string memberId, Guid pro)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await using var db = await fixture.Db();
        var access = await scope.ServiceProvider.GetRequiredService<AccessService>().ForMemberAsync(db, memberId, isStaff: false);
        return access.Decide(AccessRule.RequiresAnyOf(pro), fixture.Factory.Clock.GetUtcNow()).Allowed;
    }
}

public sealed class KitPauseTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task PauseKitForTwoCycles_NoKitParcelNorKitCharge_MembershipRenewsAndReadsPro()
    {
        var (kit, pro) = await KitControlSteps.ProductsAsync(fixture);
        var buyer = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        var plain = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly);

        var listed = Assert.Single(await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(buyer.Id)));
        Assert.True(listed.CanPause); // a kit's pause needs no Owner switch: it skips only the kit
        Assert.Equal("A pause lasts 1 to 3 boxes.", await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<BoxControls>().PauseAsync(buyer.Id, buyer.SubscriptionId, 4)));
        Assert.Equal("This subscription has no box.", await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<BoxControls>().PauseAsync(plain.Id, plain.SubscriptionId, 2)));
        Assert.Equal("Subscription not found.", await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<BoxControls>().PauseAsync(plain.Id, buyer.SubscriptionId, 2)));
        Assert.Null(await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<BoxControls>().PauseAsync(buyer.Id, buyer.SubscriptionId, 2)));

        var paused = Assert.Single(await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(buyer.Id)));
        Assert.Equal([(KitControlSteps.December, true), (KitControlSteps.January, true)], paused.Skips.Select(s => (s.Cycle, s.ByPause)));
        await KitControlSteps.RenewAndGenerateAsync(fixture, kit);

        await using var db = await fixture.Db();
        Assert.Empty(await db.Shipments.Where(s => s.SubscriptionId == buyer.SubscriptionId).ToListAsync());
        var renewal = await db.Invoices.Where(i => i.SubscriptionId == buyer.SubscriptionId).OrderBy(i => i.CreatedAt).LastAsync();
        Assert.Equal(1900, renewal.TotalMinor); // Pro at 19.00; January's 12.00 kit paused, not charged
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == buyer.SubscriptionId);
        Assert.Equal((SubscriptionStatus.Active, 2), (sub.Status, sub.Items.Count)); // the kit stays on; only its cycles are skipped
        Assert.True(await KitControlSteps.ReadsProAsync(fixture, buyer.Id, pro));
    }
}

public sealed class KitRemovalTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task RemoveKitAtPeriodEnd_PaidKitStillShips_RenewalDropsIt_MembershipGoesOnAndReadsPro()
    {
        var (kit, pro) = await KitControlSteps.ProductsAsync(fixture);
        var buyer = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        var plain = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly);
        var controls = (Func<IServiceProvider, BoxControls>)(sp => sp.GetRequiredService<BoxControls>());

        Assert.Equal("This subscription has no such kit.", await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(plain.Id, plain.SubscriptionId, kit)));
        Assert.Equal("Subscription not found.", await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(plain.Id, buyer.SubscriptionId, kit)));
        Assert.Equal("This subscription has no such kit.", await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(buyer.Id, buyer.SubscriptionId, pro)));
        Assert.Null(await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(buyer.Id, buyer.SubscriptionId, kit)));
        Assert.Null(await KitControlSteps.Use(fixture, sp => controls(sp).KeepKitAsync(buyer.Id, buyer.SubscriptionId, kit)));
        Assert.Null(await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(buyer.Id, buyer.SubscriptionId, kit)));
        Assert.Contains("already set to be removed", await KitControlSteps.Use(fixture, sp => controls(sp).RemoveKitAsync(buyer.Id, buyer.SubscriptionId, kit)));

        var listed = Assert.Single(await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(buyer.Id)));
        var kitView = Assert.Single(listed.Kits);
        Assert.Equal(("Craft Kit", new DateTimeOffset(2026, 12, 23, 12, 0, 0, TimeSpan.Zero)), (kitView.Name, kitView.EndsOn));
        await KitControlSteps.RenewAndGenerateAsync(fixture, kit);

        await using var db = await fixture.Db();
        // December's kit was paid at checkout and ships; January's would be paid by the renewal that dropped the kit.
        Assert.Equal(["2026-12"], await db.Shipments.Where(s => s.SubscriptionId == buyer.SubscriptionId).Select(s => s.Cycle).ToListAsync());
        var renewal = await db.Invoices.Where(i => i.SubscriptionId == buyer.SubscriptionId).OrderBy(i => i.CreatedAt).LastAsync();
        Assert.Equal(1900, renewal.TotalMinor);
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == buyer.SubscriptionId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        Assert.DoesNotContain(sub.Items, i => i.ProductId == kit);
        Assert.True(await KitControlSteps.ReadsProAsync(fixture, buyer.Id, pro));
        Assert.Empty(await KitControlSteps.Use(fixture, sp => sp.GetRequiredService<ShipmentService>().MemberBoxesAsync(buyer.Id)));
    }
}
