using MembershipPortal.Domain.Boxes;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>The Owner's "ship to past-due members inside the grace period" option (off by default) and the 7-day grace.</summary>
public sealed class PastDueShipmentTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task Generate_PastDue_OnlyInsideGraceAndOnlyWhenTheOwnerAllows()
    {
        var cycle = BoxTimeline.Open(fixture.Factory);
        var inGrace = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var graceOver = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        var now = fixture.Factory.Clock.GetUtcNow();
        Guid box;
        await using (var db = await fixture.Db())
        {
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
            (await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == inGrace.SubscriptionId)).RecordPaymentFailed(now.AddDays(-1));
            // Still past due (the renewal run has not suspended it yet) but 13 days after the first failure.
            (await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == graceOver.SubscriptionId)).RecordPaymentFailed(now.AddDays(-13));
            await db.SaveChangesAsync();
        }
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var boxes = scope.ServiceProvider.GetRequiredService<ShipmentService>();
        var options = scope.ServiceProvider.GetRequiredService<BoxSettings>();

        Assert.False(await options.ShipPastDueInGraceAsync());
        await boxes.GenerateAsync(box, cycle);
        Assert.Empty(await ShippedAsync(cycle, inGrace.SubscriptionId, graceOver.SubscriptionId));

        Assert.Equal("Only the Owner can change this.", await options.SetShipPastDueInGraceAsync(true, fixture.StaffActor));
        Assert.False(await options.ShipPastDueInGraceAsync());
        Assert.Null(await options.SetShipPastDueInGraceAsync(true, fixture.OwnerActor));
        await boxes.GenerateAsync(box, cycle);
        Assert.Equal([inGrace.SubscriptionId], await ShippedAsync(cycle, inGrace.SubscriptionId, graceOver.SubscriptionId));
    }

    [Fact]
    public async Task BoxesPage_OwnerGetsTheSwitch_StaffReadsTheChoice()
    {
        using var owner = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Owner);
        using var staffClient = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        Assert.Contains("Ship to past-due members inside the grace period", await owner.GetStringAsync("/admin/fulfilment"));
        var staff = await staffClient.GetStringAsync("/admin/fulfilment");
        Assert.Contains("(the Owner&#x27;s choice)", staff);
        Assert.DoesNotContain("Ship to past-due members inside the grace period", staff);
    }

    private async Task<List<Guid>> ShippedAsync(CycleKey cycle, params Guid[] subscriptions)
    {
        await using var db = await fixture.Db();
        return await db.Shipments.Where(s => s.Cycle == cycle.ToString() && subscriptions.Contains(s.SubscriptionId)).Select(s => s.SubscriptionId).ToListAsync();
    }
}
