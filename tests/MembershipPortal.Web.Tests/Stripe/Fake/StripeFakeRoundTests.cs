using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// One member's whole life with Stripe as the billing engine, every step through Stripe.net against the stateful fake
/// and every webhook signed and posted to the real endpoint: checkout → renewal → failed renewal → recovery → cancel.
/// </summary>
public sealed class StripeFakeRoundTests : IDisposable
{
    private readonly StripeFakePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<(Subscription Sub, List<Invoice> Invoices, List<Payment> Payments)> LedgerAsync(string memberId)
    {
        await using var db = await factory.DbAsync();
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == memberId);
        var invoices = await db.Invoices.Where(i => i.MemberId == memberId).OrderBy(i => i.CreatedAt).ToListAsync();
        var payments = await db.Payments.Where(p => p.MemberId == memberId).OrderBy(p => p.At).ToListAsync();
        return (sub, invoices, payments);
    }

    [Fact]
    public async Task Round_CheckoutRenewalFailureRecoveryCancel_LedgerFollowsStripe()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var fake = factory.Fake;

        // Checkout: the portal syncs the price to Stripe, opens a session; the member pays on Stripe's page.
        string? url;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            string? error;
            (url, error) = await scope.ServiceProvider.GetRequiredService<StripeCheckout>()
                .StartAsync(world.MemberId, "round@example.test", new CheckoutChoice { PriceId = world.PriceId });
            Assert.Null(error);
        }
        var sessionId = url![(url!.LastIndexOf('/') + 1)..];
        var subscriptionId = fake.CompleteCheckout(sessionId);
        await factory.DeliverAsync();

        var (sub, invoices, payments) = await LedgerAsync(world.MemberId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        var stripeSub = fake.Get(subscriptionId)!;
        var periodEnd = DateTimeOffset.FromUnixTimeSeconds(stripeSub["items"]!["data"]![0]!["current_period_end"].L());
        Assert.Equal(periodEnd, sub.CurrentPeriodEnd);
        var first = Assert.Single(invoices);
        Assert.Equal((InvoiceStatus.Paid, 2000L), (first.Status, first.AmountPaidMinor));
        Assert.StartsWith("pi_", Assert.Single(payments).GatewayPaymentId);
        await using (var db = await factory.DbAsync())
        {
            var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == world.MemberId);
            Assert.Equal((string?)stripeSub["customer"], profile.CustomerId);
            Assert.Equal("4242", profile.CardLast4);
        }

        // Renewal: a month later Stripe bills the next period.
        factory.Clock.SetUtcNow(periodEnd.AddMinutes(5));
        Assert.Equal(1, fake.AdvanceBilling());
        await factory.DeliverAsync();
        (sub, invoices, _) = await LedgerAsync(world.MemberId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        Assert.Equal(periodEnd.AddMonths(1), sub.CurrentPeriodEnd);
        Assert.Equal([InvoiceStatus.Paid, InvoiceStatus.Paid], invoices.Select(i => i.Status));

        // Failure: the card declines at the next renewal.
        fake.SetCardDeclines((string)stripeSub["customer"]!, true);
        factory.Clock.SetUtcNow(periodEnd.AddMonths(1).AddMinutes(5));
        fake.AdvanceBilling();
        await factory.DeliverAsync();
        (sub, invoices, payments) = await LedgerAsync(world.MemberId);
        Assert.Equal(SubscriptionStatus.PastDue, sub.Status);
        Assert.Equal(InvoiceStatus.Failed, invoices[^1].Status);
        Assert.Equal(PaymentOutcome.Failed, payments[^1].Outcome);

        // Recovery: a new card works and Stripe's retry collects the invoice.
        fake.SetCardDeclines((string)stripeSub["customer"]!, false);
        factory.Clock.Advance(TimeSpan.FromDays(3));
        Assert.True(fake.RetryInvoice(invoices[^1].GatewayInvoiceId!));
        await factory.DeliverAsync();
        (sub, invoices, payments) = await LedgerAsync(world.MemberId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        Assert.Equal([InvoiceStatus.Paid, InvoiceStatus.Paid, InvoiceStatus.Paid], invoices.Select(i => i.Status));
        Assert.Equal(3, payments.Count(p => p.Outcome == PaymentOutcome.Succeeded && p.GatewayPaymentId!.StartsWith("pi_", StringComparison.Ordinal)));

        // Cancel: the member cancels at the period end; Stripe ends the subscription then.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new CancelSubscription(world.MemberId, sub.Id, CancelSubscription.Reasons[0], null));
            Assert.True(result.Succeeded, result.Message);
        }
        Assert.True((bool)fake.Get(subscriptionId)!["cancel_at_period_end"]!);
        await factory.DeliverAsync();
        Assert.True((await LedgerAsync(world.MemberId)).Sub.CancelAtPeriodEnd);
        factory.Clock.SetUtcNow(sub.CurrentPeriodEnd.AddMinutes(5));
        fake.AdvanceBilling();
        await factory.DeliverAsync();

        (sub, invoices, _) = await LedgerAsync(world.MemberId);
        Assert.Equal(SubscriptionStatus.Canceled, sub.Status);
        Assert.Equal("canceled", (string?)fake.Get(subscriptionId)!["status"]);
        Assert.Equal(3, invoices.Count);
        await using var check = await factory.DbAsync();
        Assert.Equal(3, await check.Outbox.CountAsync(o => o.MemberId == world.MemberId && o.Kind == "receipt"));
        Assert.False(await check.WebhookEventLog.AnyAsync(e => e.Outcome == WebhookLogOutcome.Failed));
    }

    [Fact]
    public async Task Lists_PageWithStartingAfterAndHasMore_NewestFirst()
    {
        var client = factory.Fake.DashboardClient();
        for (var i = 0; i < 5; i++)
            await client.V1.Customers.CreateAsync(new global::Stripe.CustomerCreateOptions { Email = $"c{i}@example.test" });

        var page1 = await client.V1.Customers.ListAsync(new global::Stripe.CustomerListOptions { Limit = 2 });
        var page2 = await client.V1.Customers.ListAsync(new global::Stripe.CustomerListOptions { Limit = 2, StartingAfter = page1.Data[^1].Id });
        var page3 = await client.V1.Customers.ListAsync(new global::Stripe.CustomerListOptions { Limit = 2, StartingAfter = page2.Data[^1].Id });

        Assert.Equal(["c4@example.test", "c3@example.test"], page1.Data.Select(c => c.Email));
        Assert.True(page1.HasMore);
        Assert.Equal(["c2@example.test", "c1@example.test"], page2.Data.Select(c => c.Email));
        Assert.Equal(["c0@example.test"], page3.Data.Select(c => c.Email));
        Assert.False(page3.HasMore);
        var all = new List<string>();
        await foreach (var customer in client.V1.Customers.ListAutoPagingAsync(new global::Stripe.CustomerListOptions { Limit = 2 }))
            all.Add(customer.Email);
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public async Task RateLimit_OnDemand_Answers429ThenServesAgain()
    {
        var client = factory.Fake.DashboardClient();
        factory.Fake.RateLimitNext(1);

        var error = await Assert.ThrowsAsync<global::Stripe.StripeException>(() => client.V1.Balance.GetAsync());
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.HttpStatusCode);
        Assert.Equal("rate_limit", error.StripeError.Code);
        Assert.NotNull(await client.V1.Balance.GetAsync());
    }

    [Fact]
    public async Task IdempotencyKey_SameRequestTwice_OneObject()
    {
        var client = factory.Fake.DashboardClient();
        var options = new global::Stripe.CustomerCreateOptions { Email = "once@example.test" };
        var first = await client.V1.Customers.CreateAsync(options, new global::Stripe.RequestOptions { IdempotencyKey = "k1" });
        var second = await client.V1.Customers.CreateAsync(options, new global::Stripe.RequestOptions { IdempotencyKey = "k1" });
        Assert.Equal(first.Id, second.Id);
        Assert.Single(factory.Fake.All("customer"));
    }
}
