using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>Tracking CSV import: all or nothing, every bad row by line, each box's "shipped" email once.</summary>
public sealed class TrackingImportTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task Import_BadRow_NothingApplied_GoodFile_ShipsAndEmailsOnce()
    {
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyers = new[] { await fixture.BuyerAsync(fixture.Catalog.BoxMonthly), await fixture.BuyerAsync(fixture.Catalog.BoxMonthly), await fixture.BuyerAsync(fixture.Catalog.BoxMonthly) };
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var boxes = scope.ServiceProvider.GetRequiredService<ShipmentService>();
        var import = scope.ServiceProvider.GetRequiredService<TrackingImport>();
        Guid box;
        Dictionary<Guid, Guid> shipmentOf;
        await using (var db = await fixture.Db())
        {
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
            await boxes.GenerateAsync(box, cycle);
            var subs = buyers.Select(b => b.SubscriptionId).ToList();
            shipmentOf = await db.Shipments.Where(s => subs.Contains(s.SubscriptionId)).ToDictionaryAsync(s => s.SubscriptionId, s => s.Id);
        }
        var (s0, s1, s2) = (shipmentOf[buyers[0].SubscriptionId], shipmentOf[buyers[1].SubscriptionId], shipmentOf[buyers[2].SubscriptionId]);

        var bad = await import.ImportAsync($"shipment_id,carrier,tracking_number\n{s0},UPS,1Z0001\n{s1},UPS,\n{Guid.NewGuid()},UPS,1Z0003\n{s2},DHL,JD0004\n");
        Assert.False(bad.Applied);
        Assert.Equal([3, 4], bad.Problems.Select(p => p.Line));
        Assert.Contains("there is no shipment", bad.Problems[1].Reason);
        Assert.Equal(0, await ShippedAsync(s0, s1, s2));
        Assert.Equal(0, await EmailsAsync(buyers.Select(b => b.Id).ToArray()));

        // The exported file sent back with tracking for two boxes; the third is not shipped yet.
        var export = (await boxes.ExportCsvAsync(box, cycle)).TrimEnd('\n').Split('\n').ToList();
        string Fill(Guid id, string carrier, string number) => export.Single(l => l.StartsWith(id.ToString(), StringComparison.Ordinal))[..^2] + $",{carrier},{number}";
        var good = string.Join('\n', [export[0], Fill(s0, "UPS", "1Z0001"), Fill(s1, "USPS", "9400 0002"), export.Single(l => l.StartsWith(s2.ToString(), StringComparison.Ordinal))]);
        var applied = await import.ImportAsync(good);
        Assert.True(applied.Applied, string.Join("; ", applied.Problems));
        Assert.Equal((2, 0, 1), (applied.Shipped, applied.AlreadyShipped, applied.NotYetShipped));
        Assert.Equal(2, await ShippedAsync(s0, s1, s2));
        await using (var db = await fixture.Db())
            Assert.Equal(("USPS", "9400 0002", ShipmentStatus.Shipped), await db.Shipments.Where(s => s.Id == s1).Select(s => ValueTuple.Create(s.Carrier, s.TrackingNumber, s.Status)).SingleAsync());

        var again = await import.ImportAsync(good);
        Assert.Equal((true, 0, 2), (again.Applied, again.Shipped, again.AlreadyShipped));
        Assert.Equal(2, await EmailsAsync(buyers.Select(b => b.Id).ToArray()));

        var changed = await import.ImportAsync($"shipment_id,carrier,tracking_number\n{s2},DHL,JD0004\n{s0},UPS,1Z9999\n");
        Assert.False(changed.Applied);
        Assert.Equal(3, Assert.Single(changed.Problems).Line);
        Assert.Equal(2, await ShippedAsync(s0, s1, s2)); // s2 was not shipped by the refused file
    }

    private async Task<int> ShippedAsync(params Guid[] ids)
    {
        await using var db = await fixture.Db();
        return await db.Shipments.CountAsync(s => ids.Contains(s.Id) && s.Status == ShipmentStatus.Shipped);
    }

    private async Task<int> EmailsAsync(params string[] members)
    {
        await using var db = await fixture.Db();
        return await db.Outbox.CountAsync(o => members.Contains(o.MemberId!) && o.Kind == "box-shipped");
    }
}
