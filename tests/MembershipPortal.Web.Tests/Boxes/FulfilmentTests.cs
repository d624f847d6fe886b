using System.Net;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// /admin/fulfilment: every parcel of a ship date across boxes and kits (both ship on the 15th), generated once, picked by
/// product, exported, slipped, and shipped by a tracking import that emails each member their tracking. Buyers join on
/// 23 Nov 2026, so their first parcels ship on 15 Dec. Own fixture: fixed dates.
/// </summary>
public sealed class FulfilmentTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly DateOnly ShipDay = new(2026, 12, 15);

    [Fact]
    public async Task ShipDate_EveryParcelAcrossBoxesAndKits_GeneratedOnce_PickedExportedSlipped_TrackingImportedAndEmailed()
    {
        var box = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.BoxMonthly);
        var kit = await KitShipmentTests.BuyAsync(fixture, fixture.Catalog.ProMonthly, fixture.Catalog.KitMonthly);
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 1, 0, 0, TimeSpan.Zero));
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var shipments = scope.ServiceProvider.GetRequiredService<ShipmentService>();

        var first = await shipments.GenerateShipDateAsync(ShipDay);
        var again = await shipments.GenerateShipDateAsync(ShipDay);
        var parcels = await shipments.ParcelsOnAsync(ShipDay);

        Assert.Equal((2, 0), (first.Created, again.Created));
        Dictionary<Guid, Guid> subscriptionOf;
        await using (var read = await fixture.Db())
            subscriptionOf = await read.Shipments.Where(s => s.Cycle == "2026-12").ToDictionaryAsync(s => s.Id, s => s.SubscriptionId);
        Assert.Equal([("Craft Kit", kit.SubscriptionId), ("Tea Box", box.SubscriptionId)],
            parcels.Select(p => (p.Product, subscriptionOf[p.Shipment.Id])).OrderBy(p => p.Product));
        var pick = PickList.For(parcels.SelectMany(p => p.Shipment.Lines).Select(l => (l.ProductId, l.Description, l.Quantity)));
        Assert.Equal(["Craft Kit", "Tea Box"], pick.Select(l => l.Description).Order());

        using var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        using var member = await BoxTimeline.SignedInAsync(fixture.Factory);
        var csv = await staff.GetStringAsync("/admin/fulfilment/2026-12-15/export.csv");
        Assert.StartsWith("shipment_id,cycle,name,", csv);
        Assert.All(parcels, p => Assert.Contains(p.Shipment.Id.ToString(), csv));
        Assert.Contains(",Craft Kit\n", csv);
        Assert.Contains("7 Kit Lane", await staff.GetStringAsync("/admin/fulfilment/2026-12-15/slips"));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/admin/fulfilment/15-12-2026/export.csv")).StatusCode);
        var old = await staff.GetAsync("/admin/boxes");
        Assert.Equal((HttpStatusCode.Redirect, "/admin/fulfilment"), (old.StatusCode, old.Headers.Location!.OriginalString));
        Assert.StartsWith("/Account/AccessDenied", (await member.GetAsync("/admin/fulfilment")).Headers.Location!.PathAndQuery);
        Assert.StartsWith("/Account/AccessDenied", (await member.GetAsync("/admin/fulfilment/2026-12-15/export.csv")).Headers.Location!.PathAndQuery);
        Assert.Contains("data-testid=\"ship-date\"", await staff.GetStringAsync("/admin/fulfilment"));

        var file = "shipment_id,carrier,tracking_number\n" + string.Join("\n", parcels.Select((p, i) => $"{p.Shipment.Id},USPS,9400 FUL{i}")) + "\n";
        var import = await scope.ServiceProvider.GetRequiredService<TrackingImport>().ImportAsync(file);

        Assert.True(import.Applied, string.Join("; ", import.Problems));
        await using var db = await fixture.Db();
        Assert.All(await db.Shipments.Where(s => s.Cycle == "2026-12" && (s.SubscriptionId == box.SubscriptionId || s.SubscriptionId == kit.SubscriptionId)).ToListAsync(),
            s => Assert.Equal(ShipmentStatus.Shipped, s.Status));
        var kitEmail = Assert.Single(await db.Outbox.Where(o => o.MemberId == kit.Id && o.Kind == "box-shipped").ToListAsync());
        Assert.Contains("9400", kitEmail.TextBody);
        Assert.Equal("Your Craft Kit is on its way", kitEmail.Subject); // named by the kit, not by the membership's plan
        Assert.Contains("your Craft Kit has shipped", kitEmail.TextBody);
        Assert.Contains("In the parcel: 1 × Craft Kit", kitEmail.TextBody);
        Assert.Single(await db.Outbox.Where(o => o.MemberId == box.Id && o.Kind == "box-shipped").ToListAsync());
    }
}
