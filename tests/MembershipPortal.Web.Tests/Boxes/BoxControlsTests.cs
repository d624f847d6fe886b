using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>/account/boxes controls: pause for 1–3 boxes, undo, and one-time extras (charged once, packed in exactly one box).</summary>
public sealed class BoxControlsTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private async Task<(Guid Box, Guid MugPrice)> CatalogAsync()
    {
        await using var db = await fixture.Db();
        var box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
        var existing = await db.Products.FirstOrDefaultAsync(p => p.Slug == "mug");
        if (existing is not null)
            return (box, await db.Prices.Where(p => p.ProductId == existing.Id).Select(p => p.Id).SingleAsync());
        var mug = new Product
        {
            Name = "Mug",
            Slug = "mug",
            Kind = ProductKind.AddOn,
            AddOnBilling = AddOnBilling.OneTime,
            ShipsPhysically = true,
            AttachableTo = [box],
            CreatedAt = fixture.Factory.Clock.GetUtcNow(),
        };
        var price = CatalogPrice.Create(mug.Id, new PriceTerms(new Money(1200, "USD"), BillingInterval.Month));
        db.Products.Add(mug);
        db.Prices.Add(price);
        await db.SaveChangesAsync();
        return (box, price.Id);
    }

    private async Task<T> Use<T>(Func<BoxControls, ShipmentService, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<BoxControls>(), scope.ServiceProvider.GetRequiredService<ShipmentService>());
    }

    [Fact]
    public async Task Extra_ChargedOnceAtOnce_RemovableUntilCutoff_PackedInExactlyOneBox()
    {
        var (box, mug) = await CatalogAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var attempt = Guid.NewGuid();

        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 2, attempt)));
        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 2, attempt))); // a double click
        Assert.Equal("Subscription not found.", await Use((c, _) => c.AddExtraAsync(fixture.MemberId, buyer.SubscriptionId, mug, 1, Guid.NewGuid())));
        Assert.Equal("Choose a quantity from 1 to 5.", await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 6, Guid.NewGuid())));
        Assert.Equal("This extra is not available for your box.", await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, fixture.Catalog.KitMonthly, 1, Guid.NewGuid())));
        await using (var db = await fixture.Db())
        {
            var extra = await db.BoxExtras.SingleAsync(e => e.SubscriptionId == buyer.SubscriptionId);
            Assert.Equal((cycle.ToString(), 2, 2400L, BoxExtraStatus.Pending), (extra.Cycle, extra.Quantity, extra.AmountMinor, extra.Status));
            var invoice = await db.Invoices.SingleAsync(i => i.Id == extra.InvoiceId);
            Assert.Equal(("box_extra", 2400L, InvoiceStatus.Paid), (invoice.Reason, invoice.TotalMinor, invoice.Status));
            Assert.Equal(2, await db.Payments.CountAsync(p => p.MemberId == buyer.Id)); // checkout and the mug
        }

        // A second extra, removed before the cut-off: refunded and never packed.
        var removed = Guid.NewGuid();
        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 1, removed)));
        Assert.Null(await Use((c, _) => c.RemoveExtraAsync(buyer.Id, removed)));
        await using (var db = await fixture.Db())
        {
            var extra = await db.BoxExtras.SingleAsync(e => e.Id == removed);
            Assert.Equal(BoxExtraStatus.Removed, extra.Status);
            Assert.Equal(InvoiceStatus.Refunded, (await db.Invoices.SingleAsync(i => i.Id == extra.InvoiceId)).Status);
            Assert.Equal(-1200, await db.Payments.Where(p => p.InvoiceId == extra.InvoiceId && p.Outcome == PaymentOutcome.Refunded).SumAsync(p => p.AmountMinor));
            var notice = Assert.Single(await db.Outbox.Where(o => o.MemberId == buyer.Id && o.Kind == "refund-issued").ToListAsync());
            Assert.Contains("We refunded $12.00", notice.TextBody);
            Assert.Contains("Mug is off your", notice.TextBody);
        }

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        Assert.Contains("already being packed", await Use((c, _) => c.RemoveExtraAsync(buyer.Id, attempt)));
        await Use((_, s) => s.GenerateAsync(box, cycle));
        await Use((_, s) => s.GenerateAsync(box, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use((_, s) => s.GenerateAsync(box, cycle.Next()));

        await using var check = await fixture.Db();
        var shipments = await check.Shipments.Where(s => s.SubscriptionId == buyer.SubscriptionId).OrderBy(s => s.Cycle).ToListAsync();
        Assert.Equal([cycle.ToString(), cycle.Next().ToString()], shipments.Select(s => s.Cycle));
        var packed = Assert.Single(shipments[0].Lines, l => l.Description == "Mug (one-time)");
        Assert.Equal(2, packed.Quantity);
        Assert.DoesNotContain(shipments[1].Lines, l => l.Description.StartsWith("Mug", StringComparison.Ordinal));
        var consumed = await check.BoxExtras.SingleAsync(e => e.Id == attempt);
        Assert.Equal((BoxExtraStatus.Packed, shipments[0].Id), (consumed.Status, consumed.ShipmentId));
    }

    [Fact]
    public async Task CanceledBeforeTheCutoff_TheExtraIsRefundedWhenItsBoxIsGenerated_Once()
    {
        var (box, mug) = await CatalogAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var attempt = Guid.NewGuid();
        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 1, attempt)));
        await using (var db = await fixture.Db())
        {
            var subscription = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == buyer.SubscriptionId);
            subscription.CancelNow(fixture.Factory.Clock.GetUtcNow(), "Moving abroad");
            await db.SaveChangesAsync();
        }

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await Use((_, s) => s.GenerateAsync(box, cycle));
        await Use((_, s) => s.GenerateAsync(box, cycle)); // a second run refunds nothing twice

        await using var check = await fixture.Db();
        Assert.False(await check.Shipments.AnyAsync(s => s.SubscriptionId == buyer.SubscriptionId));
        var extra = await check.BoxExtras.SingleAsync(e => e.Id == attempt);
        Assert.Equal(BoxExtraStatus.Removed, extra.Status);
        Assert.Equal(InvoiceStatus.Refunded, (await check.Invoices.SingleAsync(i => i.Id == extra.InvoiceId)).Status);
        Assert.Equal([-1200L], await check.Payments.Where(p => p.InvoiceId == extra.InvoiceId && p.Outcome == PaymentOutcome.Refunded).Select(p => p.AmountMinor).ToListAsync());
    }

    [Fact]
    public async Task AccountBoxesPage_ShowsPauseExtrasAndSkips()
    {
        var (_, mug) = await CatalogAsync();
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        Assert.Null(await Use((c, _) => c.PauseAsync(buyer.Id, buyer.SubscriptionId, 1)));
        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 1, Guid.NewGuid())));
        using var client = fixture.Factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(client, buyer.Email, "a long member passphrase");

        var page = await client.GetStringAsync("/account/boxes");

        Assert.Contains("Pause for", page);
        Assert.Contains("(paused)", page);
        Assert.Contains("1 × Mug", page);
        Assert.Contains("Add to my next box", page);
        Assert.Contains("Remove (refund)", page);
    }

    [Fact]
    public async Task Pause_SkipsTheNextBoxes_UndoWhileOpen_ExtraOfASkippedBoxRidesInTheNext()
    {
        var (box, mug) = await CatalogAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);

        Assert.Equal("A pause lasts 1 to 3 boxes.", await Use((c, _) => c.PauseAsync(buyer.Id, buyer.SubscriptionId, 4)));
        Assert.Null(await Use((c, _) => c.PauseAsync(buyer.Id, buyer.SubscriptionId, 3)));
        var view = Assert.Single(await Use((_, s) => s.MemberBoxesAsync(buyer.Id)));
        Assert.Equal([cycle, cycle.Next(), cycle.Next().Next()], view.Skips.Select(k => k.Cycle));
        Assert.All(view.Skips, k => Assert.True(k.ByPause));
        Assert.True(view.Skipped);

        // Take back the second and third boxes: the pause now covers only this cycle.
        Assert.Null(await Use((c, _) => c.UnskipAsync(buyer.Id, buyer.SubscriptionId, cycle.Next())));
        Assert.Null(await Use((c, _) => c.UnskipAsync(buyer.Id, buyer.SubscriptionId, cycle.Next().Next())));
        Assert.Null(await Use((c, _) => c.AddExtraAsync(buyer.Id, buyer.SubscriptionId, mug, 1, Guid.NewGuid())));

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        Assert.Contains("already being packed", await Use((c, _) => c.UnskipAsync(buyer.Id, buyer.SubscriptionId, cycle)));
        await Use((_, s) => s.GenerateAsync(box, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use((_, s) => s.GenerateAsync(box, cycle.Next()));

        await using var db = await fixture.Db();
        var shipment = await db.Shipments.SingleAsync(s => s.SubscriptionId == buyer.SubscriptionId);
        Assert.Equal(cycle.Next().ToString(), shipment.Cycle);
        Assert.Contains(shipment.Lines, l => l.Description == "Mug (one-time)");
    }

    [Fact]
    public async Task SkipALaterBox_TheUpcomingOneStillShips_TheSkippedOneDoesNot()
    {
        var (box, _) = await CatalogAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        using var client = fixture.Factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(client, buyer.Email, "a long member passphrase");
        Assert.Contains("Skip a later box", await client.GetStringAsync("/account/boxes"));

        Assert.Null(await Use((_, s) => s.SkipAsync(buyer.Id, buyer.SubscriptionId, cycle.Next())));
        var view = Assert.Single(await Use((_, s) => s.MemberBoxesAsync(buyer.Id)));
        Assert.False(view.Skipped);
        var skip = Assert.Single(view.Skips);
        Assert.Equal((cycle.Next(), false, true), (skip.Cycle, skip.ByPause, skip.CanUndo));

        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await Use((_, s) => s.GenerateAsync(box, cycle));
        BoxTimeline.PastCutoff(fixture.Factory, cycle.Next());
        await Use((_, s) => s.GenerateAsync(box, cycle.Next()));
        await using var db = await fixture.Db();
        Assert.Equal(cycle.ToString(), (await db.Shipments.SingleAsync(s => s.SubscriptionId == buyer.SubscriptionId)).Cycle);
    }
}
