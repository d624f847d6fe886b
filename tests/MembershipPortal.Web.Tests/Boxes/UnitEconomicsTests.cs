using System.Net;
using System.Text.RegularExpressions;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>Packing slips (one per box, Owner and Staff only) and the margin per cycle from the Owner's unit costs.</summary>
public sealed class UnitEconomicsTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private AuditActor Owner => fixture.OwnerActor; // a real Owner: every Owner/Staff write is checked against the database

    [Fact]
    public async Task Margin_RevenueOfTheBoxesLessTheOwnersUnitCosts_SlipsPerBox()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<ShippingZones>().SaveAsync(null, new ZoneInput("US", ["US"], 500, "USD", null), Owner));
        var cycle = BoxTimeline.Open(fixture.Factory);
        var first = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var second = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        Guid box;
        await using (var db = await fixture.Db())
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await scope.ServiceProvider.GetRequiredService<ShipmentService>().GenerateAsync(box, cycle);
        await using (var db = await fixture.Db())
        {
            var shipment = await db.Shipments.SingleAsync(s => s.SubscriptionId == first.SubscriptionId);
            Assert.Equal(("USD", 500L, 2500L), (shipment.Currency, shipment.ShippingChargedMinor, Assert.Single(shipment.Lines).UnitPriceMinor));
        }

        var economics = scope.ServiceProvider.GetRequiredService<BoxEconomics>();
        Assert.Null(await economics.MarginsAsync(box, [cycle], fixture.StaffActor));
        Assert.Equal("Only the Owner can record costs.", await economics.SaveCostsAsync(box, cycle, [new(box, 900, 450)], fixture.StaffActor));
        Assert.Equal("Each cost is between 0 and 10,000.00 per unit.", await economics.SaveCostsAsync(box, cycle, [new(box, -1, 450)], Owner));
        Assert.StartsWith("Costs can be recorded", await economics.SaveCostsAsync(box, cycle, [new(fixture.Catalog.ProProduct, 1, 1)], Owner));
        var before = Assert.Single((await economics.MarginsAsync(box, [cycle], Owner))!);
        Assert.Equal(["Tea Box"], before.WithoutCost);
        Assert.Null(await economics.SaveCostsAsync(box, cycle, [new(box, 900, 450)], Owner));

        var row = Assert.Single((await economics.MarginsAsync(box, [cycle, cycle.Previous()], Owner))!);
        Assert.Equal((2, 2 * 2500L + 2 * 500L, 1800L, 900L, 3300L, 0.55m),
            (row.Margin.Boxes, row.Margin.RevenueMinor, row.Margin.CostOfGoodsMinor, row.Margin.ShippingCostMinor, row.Margin.MarginMinor, row.Margin.MarginRate));
        Assert.Empty(row.WithoutCost);
        var costs = (await economics.CostsAsync(box, cycle, Owner))!;
        Assert.Equal((2, 900L, 450L), (costs[0].Quantity, costs[0].CostOfGoodsMinor, costs[0].ShippingCostMinor));

        using var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        using var member = await BoxTimeline.SignedInAsync(fixture.Factory);
        var slips = await staff.GetStringAsync($"/admin/boxes/{box}/{cycle}/slips");
        Assert.Equal(2, Regex.Matches(slips, "data-testid=\"slip\"").Count);
        Assert.Contains("1 Main Street", slips);
        Assert.NotEqual(HttpStatusCode.OK, (await member.GetAsync($"/admin/boxes/{box}/{cycle}/slips")).StatusCode);
        var page = await staff.GetStringAsync("/admin/fulfilment");
        Assert.Contains("Packing slips", page);
        Assert.DoesNotContain("Unit economics", page);
        using var owner = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Owner);
        Assert.Contains("Unit economics", await owner.GetStringAsync("/admin/fulfilment"));
    }
}
