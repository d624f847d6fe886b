using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Billing.Reconciliation;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// The Owner's actions on a Stripe-billed member act through Stripe (the stateful fake answers as Stripe does), the
/// ledger then follows the webhooks, and afterwards the portal still agrees with Stripe.
/// </summary>
public sealed class StripeOwnerActionFakeTests : IDisposable
{
    private readonly StripeFakePortalFactory factory = new();

    public void Dispose()
    {
        AuditAmbient.Current = null;
        factory.Dispose();
    }

    /// <summary>A member who paid $20 through Stripe Checkout, and the Owner signed in (the ambient actor).</summary>
    private async Task<(StripeWorld World, string SubscriptionId, Guid LocalId)> PayingMemberAsync(bool allowPause = false)
    {
        var world = await factory.SeedAsync(mapPrice: false);
        if (allowPause)
        {
            await using var db = await factory.DbAsync();
            (await db.Products.SingleAsync(p => p.Id == world.ProductId)).AllowPause = true;
            await db.SaveChangesAsync();
        }
        var subscriptionId = await factory.CheckoutAsync(world);
        var owner = await factory.CreateUserAsync($"owner-{world.CustomerId}@example.test", "a long owner passphrase", PortalRoles.Owner);
        AuditAmbient.Current = new AuditActor(owner.Id, owner.Email!, PortalRoles.Owner);
        await using var check = await factory.DbAsync();
        return (world, subscriptionId, (await check.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).Id);
    }

    private async Task<T> WithAdminAsync<T>(Func<MemberAdminService, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<MemberAdminService>());
    }

    /// <summary>What the admin member page does: the member's own request, on their behalf.</summary>
    private async Task<Outcome> RunAsync<TRequest>(TRequest request) where TRequest : IUseCaseRequest
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(request);
    }

    private async Task<Subscription> LocalAsync(Guid id)
    {
        await using var db = await factory.DbAsync();
        return await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == id);
    }

    private async Task AssertAgreesWithStripeAsync()
    {
        var report = await factory.Services.GetRequiredService<StripeReconciliation>().CompareAsync();
        Assert.True(report.Agrees, string.Join("; ", report.Differences.SelectMany(d => d.Fields.Select(f => $"{f.Field}: {f.Portal} vs {f.Stripe}"))));
    }

    [Fact]
    public async Task Refund_PartialThenTheRest_RefundsAtStripeAndTheLedgerFollows()
    {
        var (world, _, _) = await PayingMemberAsync();
        Payment payment;
        await using (var db = await factory.DbAsync())
            payment = await db.Payments.SingleAsync(p => p.MemberId == world.MemberId);

        var partial = await RunAsync(new RefundPayment(world.MemberId, payment.Id, 500));
        var rest = await RunAsync(new RefundPayment(world.MemberId, payment.Id, 1500));
        var more = await RunAsync(new RefundPayment(world.MemberId, payment.Id, 1));

        Assert.True(partial.Succeeded, partial.Message);
        Assert.True(rest.Succeeded, rest.Message);
        Assert.False(more.Succeeded);
        var charge = Assert.Single(factory.Fake.All("charge"));
        Assert.Equal((2000L, true), (charge["amount_refunded"].L(), (bool)charge["refunded"]!));
        Assert.Equal([500L, 1500L], factory.Fake.All("refund").Select(r => r["amount"].L()));
        Assert.All(factory.Fake.All("refund"), r => Assert.Equal(payment.GatewayPaymentId, (string?)r["payment_intent"]));
        await factory.DeliverAsync();
        await using var check = await factory.DbAsync();
        var invoice = await check.Invoices.SingleAsync(i => i.MemberId == world.MemberId);
        Assert.Equal((InvoiceStatus.Refunded, 2000L), (invoice.Status, invoice.AmountRefundedMinor));
        Assert.Equal(2, await check.Payments.CountAsync(p => p.MemberId == world.MemberId && p.Outcome == PaymentOutcome.Refunded && p.GatewayPaymentId!.StartsWith("re_")));
    }

    [Fact]
    public async Task CancelNow_StripeBilled_CancelsAtStripeAndTheWebhookAgrees()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync();

        var result = await RunAsync(new CancelSubscriptionNow(world.MemberId, localId));
        await factory.DeliverAsync();

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("canceled", (string?)factory.Fake.Get(subscriptionId)!["status"]);
        Assert.Equal(SubscriptionStatus.Canceled, (await LocalAsync(localId)).Status);
        await AssertAgreesWithStripeAsync();
    }

    [Fact]
    public async Task CancelAtPeriodEnd_StripeBilled_SetsCancelAtPeriodEndAtStripe()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync();

        var result = await RunAsync(CancelSubscription.ByStaff(world.MemberId, localId));
        await factory.DeliverAsync();

        Assert.True(result.Succeeded, result.Message);
        Assert.True((bool)factory.Fake.Get(subscriptionId)!["cancel_at_period_end"]!);
        var local = await LocalAsync(localId);
        Assert.Equal((SubscriptionStatus.Active, true), (local.Status, local.CancelAtPeriodEnd));
        await AssertAgreesWithStripeAsync();
    }

    [Fact]
    public async Task Pause_StripeBilled_PausesCollectionAtStripeAndTheLedgerShowsPaused()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync(allowPause: true);

        var result = await RunAsync(new PauseSubscription(world.MemberId, localId, 2, OnBehalf: true));
        await factory.DeliverAsync();

        Assert.True(result.Succeeded, result.Message);
        var local = await LocalAsync(localId);
        var pause = factory.Fake.Get(subscriptionId)!["pause_collection"]!;
        Assert.Equal("void", (string?)pause["behavior"]);
        Assert.Equal(local.PausedUntil!.Value.ToUnixTimeSeconds(), pause["resumes_at"].L());
        Assert.Equal(SubscriptionStatus.Paused, local.Status);
        await AssertAgreesWithStripeAsync();
    }

    [Fact]
    public async Task ChangePlan_StripeUpgrade_ProrationInvoicedByStripeAndRecordedInTheLedger()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync();
        var vip = new Product { Name = "VIP", Slug = $"vip-{world.CustomerId}", Kind = ProductKind.Membership, Rank = 2, CreatedAt = factory.Clock.GetUtcNow() };
        var vipPrice = CatalogPrice.Create(vip.Id, PriceTerms.Monthly(new Money(4000, "USD")));
        await using (var db = await factory.DbAsync())
        {
            db.Products.Add(vip);
            db.Prices.Add(vipPrice);
            await db.SaveChangesAsync();
        }
        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Billing.StripeCatalogSync>().SyncAsync([vip.Id])).Succeeded);
        factory.Clock.Advance(TimeSpan.FromDays(15));

        var result = await RunAsync(new ChangePlan(world.MemberId, localId, vipPrice.Id, OnBehalf: true));
        await factory.DeliverAsync();

        Assert.True(result.Succeeded, result.Message);
        var stripeSub = factory.Fake.Get(subscriptionId)!;
        var item = Assert.Single(stripeSub["items"]!["data"]!.AsArray())!;
        Assert.Equal(4000, item["price"]!["unit_amount"].L());
        var proration = factory.Fake.All("invoice").Single(i => (string?)i["billing_reason"] == "subscription_update");
        Assert.Equal("paid", (string?)proration["status"]);
        Assert.InRange(proration["total"].L(), 1000, 1100); // half of a month's $20 difference, for the days left
        Assert.Equal(vipPrice.Id, Assert.Single((await LocalAsync(localId)).Items).PriceId);
        await using (var db = await factory.DbAsync())
        {
            var invoices = await db.Invoices.Where(i => i.MemberId == world.MemberId).OrderBy(i => i.CreatedAt).ToListAsync();
            Assert.Equal(2, invoices.Count);
            Assert.Equal((InvoiceStatus.Paid, proration["total"].L()), (invoices[1].Status, invoices[1].AmountPaidMinor));
            Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "member.subscription.change-plan");
        }
        await AssertAgreesWithStripeAsync();
    }

    [Fact]
    public async Task Comp_StripeBilledProduct_PausesStripeBillingUntilTheCompEndsAndEndingItResumes()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync();
        var until = factory.Clock.GetUtcNow().AddDays(60);

        var comp = await RunAsync(new CompMember(world.MemberId, world.ProductId, until));
        await factory.DeliverAsync();

        Assert.True(comp.Succeeded, comp.Message);
        Assert.Equal(until.ToUnixTimeSeconds(), factory.Fake.Get(subscriptionId)!["pause_collection"]!["resumes_at"].L());
        Assert.Equal(SubscriptionStatus.Paused, (await LocalAsync(localId)).Status);
        await AssertAgreesWithStripeAsync();

        Guid compId;
        await using (var db = await factory.DbAsync())
            compId = (await db.Comps.SingleAsync(c => c.MemberId == world.MemberId)).Id;
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var end = await RunAsync(new EndMemberComp(world.MemberId, compId));
        await factory.DeliverAsync();

        Assert.True(end.Succeeded, end.Message);
        Assert.Null(factory.Fake.Get(subscriptionId)!["pause_collection"]);
        Assert.Equal(SubscriptionStatus.Active, (await LocalAsync(localId)).Status);
        await AssertAgreesWithStripeAsync();
    }

    [Fact]
    public async Task Comp_StripeBilledProductWithoutEnd_RefusedAndNothingChanges()
    {
        var (world, subscriptionId, localId) = await PayingMemberAsync();

        var comp = await RunAsync(new CompMember(world.MemberId, world.ProductId, null));

        Assert.False(comp.Succeeded);
        Assert.Contains("end date", comp.Message);
        Assert.Null(factory.Fake.Get(subscriptionId)!["pause_collection"]);
        Assert.Equal(SubscriptionStatus.Active, (await LocalAsync(localId)).Status);
        await using var db = await factory.DbAsync();
        Assert.False(await db.Comps.AnyAsync(c => c.MemberId == world.MemberId));
    }
}
