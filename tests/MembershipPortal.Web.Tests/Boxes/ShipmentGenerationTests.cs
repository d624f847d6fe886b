using System.Net;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// Generating a closed cycle's shipments: once per subscription (a second run creates nothing), never for a skipped,
/// past-due or canceled subscription or one that started after the cut-off, with the address as it was; the export and
/// the "shipped" email. Each test buys in the cycle open at the time and moves the clock past its cut-off.
/// </summary>
public sealed class ShipmentGenerationTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private async Task<T> BoxesAsync<T>(Func<ShipmentService, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ShipmentService>());
    }

    private async Task<Guid> BoxProductAsync()
    {
        await using var db = await fixture.Db();
        return await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
    }

    [Fact]
    public async Task Generate_TwiceForOneCycle_SecondRunCreatesNothing_IneligibleLeftOut()
    {
        var box = await BoxProductAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var paying = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var skipper = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var late = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var gone = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        await using (var db = await fixture.Db())
        {
            db.BoxSkips.Add(new BoxSkip { SubscriptionId = skipper.SubscriptionId, Cycle = cycle.ToString(), At = fixture.Factory.Clock.GetUtcNow() });
            var pastDue = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == late.SubscriptionId);
            pastDue.RecordPaymentFailed(fixture.Factory.Clock.GetUtcNow());
            var canceled = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == gone.SubscriptionId);
            canceled.CancelNow(fixture.Factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        var newcomer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly); // after the cut-off: next cycle's box

        var first = await BoxesAsync(b => b.GenerateAsync(box, cycle));
        var second = await BoxesAsync(b => b.GenerateAsync(box, cycle));

        Assert.True(first.Created >= 1);
        Assert.Equal(0, second.Created);
        Assert.Equal(first.Created + first.AlreadyThere, second.AlreadyThere);
        await using var check = await fixture.Db();
        var mine = await check.Shipments.Where(s => s.Cycle == cycle.ToString()).Select(s => s.SubscriptionId).ToListAsync();
        Assert.Contains(paying.SubscriptionId, mine);
        Assert.DoesNotContain(skipper.SubscriptionId, mine);
        Assert.DoesNotContain(late.SubscriptionId, mine);
        Assert.DoesNotContain(gone.SubscriptionId, mine);
        Assert.DoesNotContain(newcomer.SubscriptionId, mine);
        Assert.True(first.JoinedAfterCutoff >= 1);
        Assert.Equal(mine.Count, mine.Distinct().Count());
        var shipment = await check.Shipments.SingleAsync(s => s.SubscriptionId == paying.SubscriptionId && s.Cycle == cycle.ToString());
        Assert.Equal(("1 Main Street", "US"), (shipment.Address.Line1, shipment.Address.Country));
        Assert.Equal(1, Assert.Single(shipment.Lines).Quantity);
    }

    [Fact]
    public async Task Generate_OpenCycle_Refused()
    {
        var box = await BoxProductAsync();
        await Assert.ThrowsAsync<DomainException>(() => BoxesAsync(b => b.GenerateAsync(box, BoxTimeline.Open(fixture.Factory))));
    }

    [Fact]
    public async Task AddressChangedAfterGeneration_ShipmentKeepsTheSnapshot()
    {
        var box = await BoxProductAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await BoxesAsync(b => b.GenerateAsync(box, cycle));
        await using (var db = await fixture.Db())
        {
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == buyer.SubscriptionId);
            record.ShippingAddress!.Line1 = "99 New Road";
            await db.SaveChangesAsync();
        }
        await using var check = await fixture.Db();
        Assert.Equal("1 Main Street", (await check.Shipments.SingleAsync(s => s.SubscriptionId == buyer.SubscriptionId)).Address.Line1);
    }

    [Fact]
    public async Task Skip_OpenCycleAccepted_ClosedCycleRefused()
    {
        var open = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        Assert.Null(await BoxesAsync(b => b.SkipAsync(buyer.Id, buyer.SubscriptionId, open)));
        Assert.Null(await BoxesAsync(b => b.SkipAsync(buyer.Id, buyer.SubscriptionId, open))); // twice: still one skip
        Assert.Contains("can no longer be skipped", await BoxesAsync(b => b.SkipAsync(buyer.Id, buyer.SubscriptionId, open.Previous())));
        Assert.Equal("Subscription not found.", await BoxesAsync(b => b.SkipAsync(fixture.MemberId, buyer.SubscriptionId, open)));
        await using var db = await fixture.Db();
        Assert.Equal(1, await db.BoxSkips.CountAsync(s => s.SubscriptionId == buyer.SubscriptionId));
    }

    [Fact]
    public async Task ExportAndShip_CsvEscaped_ShippedEmailQueuedOnce()
    {
        var box = await BoxProductAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        await using (var db = await fixture.Db())
        {
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == buyer.SubscriptionId);
            record.ShippingAddress!.Name = "=Ada, \"the\" Countess";
            await db.SaveChangesAsync();
        }
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await BoxesAsync(b => b.GenerateAsync(box, cycle));

        using var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        using var member = await BoxTimeline.SignedInAsync(fixture.Factory);
        var csv = await staff.GetStringAsync($"/admin/boxes/{box}/{cycle}/export.csv");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("shipment_id,cycle,name,line1,line2,city,region,postal_code,country,items,status,carrier,tracking_number", lines[0]);
        Assert.Contains(lines, l => l.Contains($",{cycle},\"'=Ada, \"\"the\"\" Countess\",1 Main Street,,Springfield,IL,62701,US,", StringComparison.Ordinal));
        Assert.NotEqual(HttpStatusCode.OK, (await member.GetAsync($"/admin/boxes/{box}/{cycle}/export.csv")).StatusCode);

        Guid shipmentId;
        await using (var db = await fixture.Db())
            shipmentId = (await db.Shipments.SingleAsync(s => s.SubscriptionId == buyer.SubscriptionId)).Id;
        Assert.NotNull(await BoxesAsync(b => b.MarkShippedAsync(shipmentId, "USPS", "")));
        Assert.Null(await BoxesAsync(b => b.MarkShippedAsync(shipmentId, "USPS", "9400 1000 0000 0000 0000 00")));
        Assert.Null(await BoxesAsync(b => b.MarkShippedAsync(shipmentId, "USPS", "9400 1000 0000 0000 0000 00")));
        await using var check = await fixture.Db();
        var shipped = await check.Shipments.SingleAsync(s => s.Id == shipmentId);
        Assert.Equal((ShipmentStatus.Shipped, "USPS"), (shipped.Status, shipped.Carrier));
        var email = Assert.Single(await check.Outbox.Where(o => o.MemberId == buyer.Id && o.Kind == "box-shipped").ToListAsync());
        Assert.Equal("Your Tea Box is on its way", email.Subject);
        Assert.Contains("9400 1000 0000 0000 0000 00", email.TextBody);
        Assert.Contains("tools.usps.com", email.HtmlBody);
    }
}

/// <summary>The member's box page and the member admin page show boxes, skips and tracking.</summary>
public sealed class MemberBoxesTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task MemberBoxes_NextBoxSkipAndShipments()
    {
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var boxes = scope.ServiceProvider.GetRequiredService<ShipmentService>();
        Guid box;
        await using (var db = await fixture.Db())
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await boxes.GenerateAsync(box, cycle);

        var view = Assert.Single(await boxes.MemberBoxesAsync(buyer.Id));
        Assert.Equal((cycle.Next(), false, true), (view.Upcoming, view.Skipped, view.Live));
        Assert.Equal(BoxTimeline.Schedule.ShipDateOf(cycle.Next()), view.ShipDate);
        Assert.Equal(cycle.ToString(), Assert.Single(view.Past).Cycle);
        Assert.Null(await boxes.SkipAsync(buyer.Id, buyer.SubscriptionId, view.Upcoming));
        Assert.True(Assert.Single(await boxes.MemberBoxesAsync(buyer.Id)).Skipped);

        var detail = await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Members.Admin.MemberAdminService>().DetailAsync(buyer.Id);
        Assert.Equal(cycle.ToString(), Assert.Single(detail!.Shipments).Cycle);
    }

    [Fact]
    public async Task AccountBoxesPage_SignedIn_Renders_Anonymous_SentToLogin()
    {
        using var member = await BoxTimeline.SignedInAsync(fixture.Factory);
        var page = await member.GetAsync("/account/boxes");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("You have no box subscription.", await page.Content.ReadAsStringAsync());
        var anonymous = await fixture.Anonymous.GetAsync("/account/boxes");
        Assert.StartsWith("/Account/Login", anonymous.Headers.Location!.PathAndQuery);
    }
}

/// <summary>The Owner sets each box's cut-off and ship day in the catalog; nonsense is refused and changes nothing.</summary>
public sealed class BoxScheduleSettingsTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task BoxDays_SavedOnTheProduct_InvalidRefused()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Catalog.CatalogService>();
        var input = new MembershipPortal.Web.Features.Catalog.ProductInput
        {
            Kind = MembershipPortal.Domain.Catalog.ProductKind.Box,
            Name = "Tea",
            Slug = $"tea-{Guid.NewGuid():N}"[..12],
            Rank = 1,
            BoxCutoffDay = 20,
            BoxShipDay = 25,
        };
        var useCases = scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Shared.UseCases.UseCaseRunner>();
        var created = await useCases.RunAsync(new MembershipPortal.Web.Features.Catalog.UseCases.SaveProduct(null, input));
        Assert.True(created.Succeeded, created.Message);
        input.BoxShipDay = 10; // before the cut-off
        Assert.False((await useCases.RunAsync(new MembershipPortal.Web.Features.Catalog.UseCases.SaveProduct(created.Id!.Value, input))).Succeeded);
        var saved = (await catalog.GetProductInputAsync(created.Id!.Value))!;
        Assert.Equal((20, 25), (saved.BoxCutoffDay, saved.BoxShipDay));
        var view = (await scope.ServiceProvider.GetRequiredService<ShipmentService>().BoxProductsAsync()).Single(p => p.Id == created.Id);
        Assert.Equal(new DateOnly(2026, 12, 25), view.Schedule.ShipDateOf(new CycleKey(2026, 12)));
    }
}
