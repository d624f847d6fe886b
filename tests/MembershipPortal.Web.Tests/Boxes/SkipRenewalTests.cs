using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// A skipped box is not charged on the test gateway, and not shipped. Members join on 23 Nov 2026 (after November's
/// cut-off), so checkout pays for December's box, the 23 Dec renewal for January's and the 23 Jan renewal for February's.
/// This class moves its own fixture's clock forward.
/// </summary>
public sealed class SkipRenewalTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly CycleKey December = new(2026, 12), February = new(2027, 2);

    private async Task<T> Use<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<List<Invoice>> InvoicesAsync(Guid subscriptionId)
    {
        await using var db = await fixture.Db();
        return await db.Invoices.Where(i => i.SubscriptionId == subscriptionId).OrderBy(i => i.CreatedAt).ToListAsync();
    }

    private async Task<int> PaymentsAsync(string memberId)
    {
        await using var db = await fixture.Db();
        return await db.Payments.CountAsync(p => p.MemberId == memberId);
    }

    [Fact]
    public async Task Renewal_SkippedCycle_NotChargedNotShipped_PeriodMovesOn()
    {
        var skipsPaid = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);   // skips December, already paid at checkout
        var skipsLater = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);  // skips February
        var pays = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        Assert.Null(await Use(sp => sp.GetRequiredService<ShipmentService>().SkipAsync(skipsPaid.Id, skipsPaid.SubscriptionId, December)));
        Assert.Null(await Use(sp => sp.GetRequiredService<ShipmentService>().SkipAsync(skipsLater.Id, skipsLater.SubscriptionId, February)));
        Guid box;
        await using (var db = await fixture.Db())
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();

        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 1, 0, TimeSpan.Zero));
        await Use(sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow()));
        await Use(sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow())); // a rerun changes nothing

        // December was skipped after it was paid: the money pays for January's box, so the 23 December renewal is not charged.
        Assert.Equal(1, await PaymentsAsync(skipsPaid.Id));
        var waived = (await InvoicesAsync(skipsPaid.SubscriptionId)).Last();
        Assert.Equal(("box_skipped", 0L, InvoiceStatus.Paid), (waived.Reason, waived.TotalMinor, waived.Status));
        Assert.Contains(waived.Lines, l => l.Description.Contains("December 2026 box skipped", StringComparison.Ordinal));
        await using (var db = await fixture.Db())
        {
            var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == skipsPaid.SubscriptionId);
            Assert.Equal((SubscriptionStatus.Active, new DateTimeOffset(2027, 1, 23, 12, 0, 0, TimeSpan.Zero)), (sub.Status, sub.CurrentPeriodEnd));
            Assert.Contains("nothing charged", sub.History[^1].Detail);
        }
        Assert.Equal(2, await PaymentsAsync(pays.Id));
        Assert.Equal(2, await PaymentsAsync(skipsLater.Id)); // its skip waits for February's renewal
        Assert.Equal(2500, (await InvoicesAsync(skipsLater.SubscriptionId)).Last().TotalMinor);

        await Use(sp => sp.GetRequiredService<ShipmentService>().GenerateAsync(box, December));
        await using (var db = await fixture.Db())
        {
            var shipped = await db.Shipments.Where(s => s.Cycle == "2026-12").Select(s => s.SubscriptionId).ToListAsync();
            Assert.DoesNotContain(skipsPaid.SubscriptionId, shipped);
            Assert.Contains(pays.SubscriptionId, shipped);
        }

        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 23, 12, 1, 0, TimeSpan.Zero));
        await Use(sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow()));
        Assert.Equal(2, await PaymentsAsync(skipsLater.Id));
        Assert.Equal("box_skipped", (await InvoicesAsync(skipsLater.SubscriptionId)).Last().Reason);
        Assert.Equal(2, await PaymentsAsync(skipsPaid.Id)); // its one skip is used up: charged again
        Assert.Equal(3, await PaymentsAsync(pays.Id));
    }
}
