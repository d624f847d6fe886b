using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Billing.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StripeSdk = Stripe;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// Reconciliation against the stateful fake: a subscription changed in Stripe while the webhooks were off is listed as a
/// difference, then healed by replaying Stripe's events (or by taking Stripe's version), and MRR agrees again.
/// </summary>
public sealed class StripeReconciliationTests : IDisposable
{
    private readonly StripeFakePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<AuditActor> OwnerAsync()
    {
        var user = await factory.CreateUserAsync("recon.owner@example.test", "a long owner passphrase", PortalRoles.Owner);
        return new AuditActor(user.Id, "recon.owner@example.test", PortalRoles.Owner);
    }

    private StripeReconciliation Reconciliation => factory.Services.GetRequiredService<StripeReconciliation>();

    /// <summary>A paying member, then the webhook endpoint goes down and someone edits the subscription in Stripe's dashboard.</summary>
    private async Task<(StripeWorld World, string SubscriptionId, Guid LocalId)> ChangedWhileWebhooksOffAsync()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var subscriptionId = await factory.CheckoutAsync(world);
        factory.Clock.Advance(TimeSpan.FromDays(2));
        factory.Fake.WebhooksEnabled = false;
        var stripe = factory.Fake.DashboardClient();
        var item = (await stripe.V1.Subscriptions.GetAsync(subscriptionId)).Items.Data[0];
        await stripe.V1.Subscriptions.UpdateAsync(subscriptionId, new StripeSdk.SubscriptionUpdateOptions
        {
            Items = [new StripeSdk.SubscriptionItemOptions { Id = item.Id, Quantity = 3 }],
            CancelAtPeriodEnd = true,
        });
        await factory.DeliverAsync(); // the endpoint is down: the events are missed
        factory.Fake.WebhooksEnabled = true;
        await using var db = await factory.DbAsync();
        var localId = (await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).Id;
        return (world, subscriptionId, localId);
    }

    [Fact]
    public async Task Compare_SubscriptionChangedInStripeWhileWebhooksOff_ListsTheDifferences()
    {
        var (_, subscriptionId, localId) = await ChangedWhileWebhooksOffAsync();

        var report = await Reconciliation.CompareAsync();

        Assert.Equal(1, report.Compared);
        var difference = Assert.Single(report.Differences);
        Assert.Equal((localId, subscriptionId), (difference.SubscriptionId, difference.GatewaySubscriptionId));
        Assert.Equal(["Items", "Cancel at period end"], difference.Fields.Select(f => f.Field));
        Assert.EndsWith("× 1", difference.Fields[0].Portal);
        Assert.EndsWith("× 3", difference.Fields[0].Stripe);
        Assert.Equal(("no", "yes"), (difference.Fields[1].Portal, difference.Fields[1].Stripe));
        Assert.Equal(2000, report.PortalMrr["USD"]);
        Assert.Equal(6000, report.StripeMrr["USD"]);
        Assert.False(report.Agrees);
    }

    [Fact]
    public async Task Replay_MissedEvents_HealTheSubscriptionAndASecondReplayAppliesNothing()
    {
        var (world, _, localId) = await ChangedWhileWebhooksOffAsync();

        var replay = await Reconciliation.ReplayMissedEventsAsync();
        var report = await Reconciliation.CompareAsync();

        Assert.Equal(1, replay.Applied);
        Assert.Equal(0, replay.Failed);
        Assert.True(replay.AlreadyProcessed >= 3, $"{replay}"); // the checkout's events, delivered at the time
        Assert.Empty(report.Differences);
        Assert.Equal(6000, report.PortalMrr["USD"]);
        Assert.True(report.Agrees);
        await using (var db = await factory.DbAsync())
        {
            var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == localId);
            Assert.Equal(3, Assert.Single(sub.Items).Quantity);
            Assert.True(sub.CancelAtPeriodEnd);
            Assert.Equal(SubscriptionStatus.Active, sub.Status);
        }

        var again = await Reconciliation.ReplayMissedEventsAsync();
        Assert.Equal(0, again.Applied);
        await using var check = await factory.DbAsync();
        Assert.Equal(1, await check.Subscriptions.CountAsync(s => s.MemberId == world.MemberId));
        Assert.Equal(1, await check.Invoices.CountAsync(i => i.MemberId == world.MemberId));
    }

    [Fact]
    public async Task TakeStripesVersion_Owner_AppliesStripesSubscriptionThroughTheWebhookPath()
    {
        var (_, subscriptionId, localId) = await ChangedWhileWebhooksOffAsync();

        var (ok, message) = await Reconciliation.TakeStripesVersionAsync(await OwnerAsync(), localId);

        Assert.True(ok, message);
        Assert.Empty((await Reconciliation.CompareAsync()).Differences);
        await using var db = await factory.DbAsync();
        Assert.True(await db.ProcessedWebhookEvents.AnyAsync(e => e.EventId.StartsWith("evt_portal_reconcile_" + subscriptionId)));
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "stripe.reconcile.take-stripe");
        Assert.True((await db.Subscriptions.SingleAsync(s => s.Id == localId)).CancelAtPeriodEnd);
    }

    [Fact]
    public async Task TakeStripesVersion_NotOwner_RefusedAndNothingChanges()
    {
        var (_, _, localId) = await ChangedWhileWebhooksOffAsync();

        var (ok, _) = await Reconciliation.TakeStripesVersionAsync(new AuditActor("staff", "Staff", PortalRoles.Staff), localId);

        Assert.False(ok);
        Assert.Single((await Reconciliation.CompareAsync()).Differences);
        Assert.Null(await Reconciliation.RunAsync(new AuditActor("staff", "Staff", PortalRoles.Staff)));
    }

    [Fact]
    public async Task Run_KeepsTheReport_ShownOnTheStripePageAndTheDashboardBadge()
    {
        await ChangedWhileWebhooksOffAsync();
        var ownerActor = await OwnerAsync();
        factory.Fake.RateLimitNext(2); // Stripe's 429s are waited out

        var report = await Reconciliation.RunAsync(ownerActor);

        Assert.NotNull(report);
        Assert.True(report.Agrees);
        Assert.Equal(1, report.Replay!.Applied);
        Assert.True((await Reconciliation.LastReportAsync())!.Agrees);
        var owner = factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(owner, "recon.owner@example.test", "a long owner passphrase");
        var page = await owner.GetStringAsync("/admin/settings/stripe");
        Assert.Contains("Agrees with Stripe", page);
        Assert.Contains("MRR USD: portal 60.00, Stripe 60.00", page);
        var dashboard = await owner.GetStringAsync("/admin");
        Assert.Contains("Data accurate: matches Stripe", dashboard);
    }

    [Fact]
    public async Task Compare_CheckoutWithRepeatingCoupon_DiscountAndMrrAgree()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var code = "QUARTER" + world.CustomerId[^4..].ToUpperInvariant();
        await using (var db = await factory.DbAsync())
        {
            var coupon = MembershipPortal.Domain.Catalog.Coupon.Create(
                MembershipPortal.Domain.Catalog.CouponTerms.Percent(code, 25, MembershipPortal.Domain.Catalog.CouponDuration.Repeating, 3), null, productIds: [world.ProductId]);
            db.Coupons.Add(coupon);
            db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
            await db.SaveChangesAsync();
        }
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var (url, error) = await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Billing.StripeCheckout>()
                .StartAsync(world.MemberId, "coupon@example.test", new MembershipPortal.Web.Features.Billing.CheckoutChoice { PriceId = world.PriceId, CouponCode = code });
            Assert.True(url is not null, error);
            factory.Fake.CompleteCheckout(url[(url.LastIndexOf('/') + 1)..]);
        }
        await factory.DeliverAsync();

        var report = await Reconciliation.CompareAsync();

        Assert.Equal(1500, factory.Fake.All("invoice").Single()["total"].L());
        Assert.True(report.Agrees, string.Join("; ", report.Differences.SelectMany(d => d.Fields.Select(f => $"{f.Field}: {f.Portal} vs {f.Stripe}"))));
        Assert.Equal(1500, report.StripeMrr["USD"]);
        Assert.Equal(1500, report.PortalMrr["USD"]);
    }
}
