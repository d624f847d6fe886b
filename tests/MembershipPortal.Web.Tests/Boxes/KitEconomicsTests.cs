using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// Unit economics cover a mailed kit's own parcels as they cover boxes, and the recorded costs give the gross margin
/// LTV uses when the Owner chooses it (the typed-in number stays the default).
/// </summary>
public sealed class KitEconomicsTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task KitParcels_HaveAMargin_AndTheirCostsSetLtvsMargin_WhenTheOwnerChoosesIt()
    {
        Guid kit;
        await using (var db = await fixture.Db())
            kit = await db.Prices.Where(p => p.Id == fixture.Catalog.KitMonthly).Select(p => p.ProductId).SingleAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var paidIn = YearMonth.Of(fixture.Factory.Clock.GetUtcNow());
        await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ShipmentService>().GenerateAsync(kit, cycle);

        var economics = scope.ServiceProvider.GetRequiredService<BoxEconomics>();
        Assert.Null(await economics.SaveCostsAsync(kit, cycle, [new(kit, 400, 150)], fixture.OwnerActor));
        var row = Assert.Single((await economics.MarginsAsync(kit, [cycle], fixture.OwnerActor))!);
        Assert.True(row.Margin.Boxes >= 1);
        Assert.Equal((row.Margin.Boxes * 400L, row.Margin.Boxes * 150L), (row.Margin.CostOfGoodsMinor, row.Margin.ShippingCostMinor));
        Assert.True(row.Margin.RevenueMinor >= row.Margin.Boxes * 1200L); // the kit's monthly price, in each parcel
        Assert.Empty(row.WithoutCost);

        // Three whole months later the payment and the parcel are both inside the measured window.
        var last = cycle.Year * 12 + cycle.Month > paidIn.Year * 12 + paidIn.Month ? new YearMonth(cycle.Year, cycle.Month) : paidIn;
        var next = last.AddMonths(1);
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(next.Year, next.Month, 2, 12, 0, 0, TimeSpan.Zero));
        var settings = scope.ServiceProvider.GetRequiredService<AnalyticsSettings>();
        var analytics = scope.ServiceProvider.GetRequiredService<AnalyticsService>();
        var today = DateOnly.FromDateTime(fixture.Factory.Clock.GetUtcNow().UtcDateTime);
        var measured = await analytics.MeasureMarginAsync();

        Assert.True(measured.CostsMinor >= 550);
        Assert.True(measured.RevenueMinor > measured.CostsMinor);
        Assert.Equal(CostMargin.Compute(measured.RevenueMinor, measured.CostsMinor, 0), measured.Margin);
        Assert.True(measured.Margin < 1m);
        Assert.Equal(1m, await settings.GrossMarginAsync(today, analytics.Currency)); // default: the typed-in 100 %

        await analytics.SetMarginFromCostsAsync(true);
        Assert.Equal(measured.Margin, await settings.GrossMarginAsync(today, analytics.Currency));
        Assert.True((await analytics.DashboardAsync(analytics.DefaultDashboard)).GrossMarginFromCosts);

        await analytics.SetMarginFromCostsAsync(false);
        Assert.Equal(1m, await settings.GrossMarginAsync(today, analytics.Currency));
    }
}
