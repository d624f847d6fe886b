using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// With Stripe as the billing engine the member gets the same emails as on the test gateway, queued in the webhook's
/// transaction: payment failed at the first failure, a receipt per paid invoice, "recovered" when a payment brings the
/// subscription back, and nothing twice when Stripe redelivers an event.
/// </summary>
public sealed class StripeNoticeTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();
    private DateTimeOffset Start => Now.AddDays(-3);

    private async Task SendAsync(string eventId, string type, DateTimeOffset created, JsonObject data)
    {
        var response = await factory.PostEventAsync(StripeEvents.Envelope(eventId, type, created, data));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The subscription starts at Stripe, then its renewal invoice fails at <paramref name="failedAt"/>.</summary>
    private async Task StartThenFailAsync(StripeWorld w, string tag, DateTimeOffset failedAt)
    {
        await SendAsync($"evt_{tag}c_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));
        await SendAsync($"evt_{tag}f_" + w.CustomerId, "invoice.payment_failed", failedAt,
            StripeEvents.Invoice($"in_{tag}_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: false, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), failedAt));
    }

    private async Task<List<string>> KindsAsync(StripeWorld w)
    {
        await using var db = await factory.DbAsync();
        return await db.Outbox.Where(o => o.MemberId == w.MemberId).OrderBy(o => o.CreatedAt).ThenBy(o => o.Kind).Select(o => o.Kind).ToListAsync();
    }

    [Fact]
    public async Task FailedThenPaid_PaymentFailedThenReceiptAndRecovered_EachOnceEvenWhenRedelivered()
    {
        var w = await factory.SeedAsync();
        var invoiceId = "in_n_" + w.CustomerId;
        await SendAsync("evt_nc_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));
        var failed = StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: false, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), Now.AddMinutes(-30));
        await SendAsync("evt_nf_" + w.CustomerId, "invoice.payment_failed", Now.AddMinutes(-30), failed);
        await SendAsync("evt_nf_" + w.CustomerId, "invoice.payment_failed", Now.AddMinutes(-30), failed.DeepClone().AsObject()); // redelivery
        Assert.Equal(["payment-failed"], await KindsAsync(w));

        var paid = StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 2, Start.AddMonths(1), Start.AddMonths(2), Now);
        await SendAsync("evt_np_" + w.CustomerId, "invoice.paid", Now, paid);
        await SendAsync("evt_np_" + w.CustomerId, "invoice.paid", Now, paid.DeepClone().AsObject());
        var kinds = await KindsAsync(w);
        Assert.Equal(3, kinds.Count);
        Assert.Equal(1, kinds.Count(k => k == "payment-failed"));
        Assert.Equal(1, kinds.Count(k => k == "receipt"));
        Assert.Equal(1, kinds.Count(k => k == "payment-recovered"));
    }

    [Fact]
    public async Task PaidRenewal_ReceiptOnly()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_rc_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));
        await SendAsync("evt_rp_" + w.CustomerId, "invoice.paid", Now,
            StripeEvents.Invoice("in_r_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), Now));
        Assert.Equal(["receipt"], await KindsAsync(w));
    }

    [Fact]
    public async Task PaidInvoiceDeliveredUnderTwoEventIds_OneReceipt_NamingThePlanAmountAndSavedCard()
    {
        // The first delivery inserts the invoice, so its receipt key cannot exist yet and is not looked up; the second
        // event (another id, the same invoice) finds the invoice and must find the receipt too.
        var w = await factory.SeedAsync();
        await using (var db = await factory.DbAsync())
        {
            db.BillingProfiles.Add(new MembershipPortal.Infrastructure.Billing.BillingProfile
            {
                MemberId = w.MemberId,
                Gateway = "Stripe",
                CustomerId = w.CustomerId,
                CardLast4 = "4444",
                CardExpMonth = 8,
                CardExpYear = 2031,
                UpdatedAt = Now,
            });
            await db.SaveChangesAsync();
        }
        await SendAsync("evt_2c_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));
        var paid = StripeEvents.Invoice("in_2_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), Now);

        await SendAsync("evt_2p_" + w.CustomerId, "invoice.paid", Now, paid);
        await SendAsync("evt_2q_" + w.CustomerId, "invoice.paid", Now, paid.DeepClone().AsObject());

        Assert.Equal(["receipt"], await KindsAsync(w));
        await using var check = await factory.DbAsync();
        var receipt = await check.Outbox.SingleAsync(o => o.MemberId == w.MemberId);
        Assert.Contains("Pro", receipt.Subject + receipt.TextBody);
        Assert.Contains("$20.00", receipt.TextBody);
        Assert.Contains("card ending 4444", receipt.TextBody);
        // One invoice paid once: the second event id records no second payment (it used to, counting the revenue twice).
        Assert.Equal(1, await check.Payments.CountAsync(p => p.MemberId == w.MemberId));
    }

    [Fact]
    public async Task StripeGivesUp_PastDueBecomesUnpaid_AccessSuspendedEmailOnce()
    {
        var w = await factory.SeedAsync();
        await StartThenFailAsync(w, "s", Now.AddMinutes(-30));
        var unpaid = StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "unpaid", Start, Start.AddMonths(1));
        await SendAsync("evt_su_" + w.CustomerId, "customer.subscription.updated", Now, unpaid);
        await SendAsync("evt_su_" + w.CustomerId, "customer.subscription.updated", Now, unpaid.DeepClone().AsObject());
        var kinds = await KindsAsync(w);
        Assert.Equal(1, kinds.Count(k => k == "access-suspended"));
        Assert.Equal(1, kinds.Count(k => k == "payment-failed"));
    }

    [Fact]
    public async Task StripePastDue_NearGraceEnd_FinalNoticeFromTheScheduledRun_Once()
    {
        var w = await factory.SeedAsync();
        await StartThenFailAsync(w, "f", Now);
        var run = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MembershipPortal.Web.Features.Billing.NoticeRun>(factory.Services);

        await run.RunOnceAsync(Now.AddDays(1));
        Assert.DoesNotContain("final-notice", await KindsAsync(w));
        await run.RunOnceAsync(Now.AddDays(5).AddHours(1)); // two days before the 7-day grace period ends
        await run.RunOnceAsync(Now.AddDays(5).AddHours(2));
        Assert.Equal(1, (await KindsAsync(w)).Count(k => k == "final-notice"));
    }
}
