using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>The scheduled cut-off job generates each box cycle by itself at its cut-off in the Owner's time zone, once.</summary>
public sealed class BoxCutoffRunTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task RunOnce_AtTheBerlinCutoff_GeneratesTheCycle_SecondRunCreatesNothing()
    {
        await fixture.Factory.Services.GetRequiredService<SettingsStore>().SetAsync(SettingKeys.TimeZone, "Europe/Berlin");
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly); // 23 Nov: December's box
        var clock = fixture.Factory.Clock;
        // The end of 12 December in Berlin (UTC+1) is 23:00 UTC.
        var cutoff = new DateTimeOffset(2026, 12, 12, 23, 0, 0, TimeSpan.Zero);

        clock.SetUtcNow(cutoff.AddSeconds(-1));
        var before = await RunAsync();
        Assert.Equal(1, before.CyclesGenerated); // November, closed since 12 Nov; the buyer joined after it
        Assert.Empty(await ShipmentsAsync(buyer.SubscriptionId));

        clock.SetUtcNow(cutoff);
        var atCutoff = await RunAsync();
        Assert.Equal((1, 1), (atCutoff.CyclesGenerated, atCutoff.ShipmentsCreated));
        Assert.Equal(["2026-12"], await ShipmentsAsync(buyer.SubscriptionId));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new CutoffReport(0, 0), await RunAsync());
        await using var db = await fixture.Db();
        Assert.Equal(1, await db.Shipments.CountAsync(s => s.SubscriptionId == buyer.SubscriptionId));
        var generated = await db.BoxCycleGenerations.SingleAsync(g => g.Cycle == "2026-12");
        Assert.Equal((cutoff, 1), (generated.GeneratedAt, generated.Created));
    }

    private async Task<CutoffReport> RunAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BoxCutoffRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());
    }

    private async Task<List<string>> ShipmentsAsync(Guid subscriptionId)
    {
        await using var db = await fixture.Db();
        return await db.Shipments.Where(s => s.SubscriptionId == subscriptionId).Select(s => s.Cycle).ToListAsync();
    }
}
