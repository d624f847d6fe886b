using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>Defects found by delivering Stripe's own object shapes out of order through the real endpoint.</summary>
public sealed class StripeOutOfOrderTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private DateTimeOffset Start => Now.AddDays(-3);

    private async Task SendAsync(string eventId, string type, DateTimeOffset created, JsonObject data)
    {
        var response = await factory.PostEventAsync(StripeEvents.Envelope(eventId, type, created, data));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private JsonObject Sub(StripeWorld w, string status = "active", DateTimeOffset? periodEnd = null) =>
        StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, status, Start, periodEnd ?? Start.AddMonths(1));

    private JsonObject RenewalInvoice(StripeWorld w, string invoiceId, bool paid, int attempt, DateTimeOffset created) =>
        StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 3900, paid, attempt, Start.AddMonths(1), Start.AddMonths(2), created);

    [Fact]
    public async Task InvoicePaymentFailed_ArrivingAfterItsInvoicePaid_LeavesTheInvoicePaidAndTheSubscriptionActive()
    {
        var w = await factory.SeedAsync();
        var invoiceId = "in_ooo_" + w.CustomerId;
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));

        await SendAsync("evt_p_" + w.CustomerId, "invoice.paid", Now, RenewalInvoice(w, invoiceId, paid: true, attempt: 2, Now));
        await SendAsync("evt_f_" + w.CustomerId, "invoice.payment_failed", Now.AddHours(-20), RenewalInvoice(w, invoiceId, paid: false, attempt: 1, Now.AddHours(-20)));

        await using var db = await factory.DbAsync();
        var invoice = await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(3900, invoice.AmountPaidMinor);
        Assert.Equal(2, invoice.AttemptCount);
        var subscription = await db.Subscriptions.SingleAsync(s => s.MemberId == w.MemberId);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Null(subscription.FirstFailedPaymentAt);
        // The failed attempt did happen: it stays in the payment history.
        Assert.Equal([PaymentOutcome.Failed, PaymentOutcome.Succeeded],
            await db.Payments.Where(p => p.InvoiceId == invoice.Id).OrderBy(p => p.At).Select(p => p.Outcome).ToListAsync());
        Assert.DoesNotContain("payment-failed", await db.Outbox.Where(o => o.MemberId == w.MemberId).Select(o => o.Kind).ToListAsync());
    }

    [Fact]
    public async Task InvoicePaymentFailed_SameSecondAsItsPaidInvoice_DeliveredLast_StillChangesNothing()
    {
        var w = await factory.SeedAsync();
        var invoiceId = "in_same_" + w.CustomerId;
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));

        await SendAsync("evt_p_" + w.CustomerId, "invoice.paid", Now, RenewalInvoice(w, invoiceId, paid: true, attempt: 1, Now));
        await SendAsync("evt_f_" + w.CustomerId, "invoice.payment_failed", Now, RenewalInvoice(w, invoiceId, paid: false, attempt: 1, Now));

        await using var db = await factory.DbAsync();
        Assert.Equal(InvoiceStatus.Paid, (await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync(s => s.MemberId == w.MemberId)).Status);
    }

    [Fact]
    public async Task InvoicePaid_ArrivingAfterANewerSubscriptionEvent_StillQueuesItsReceipt()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        // Stripe renews: the subscription moves to the next period a second before its invoice is marked paid, and the
        // subscription event is delivered first with a later time (a quantity change a minute later, say).
        await SendAsync("evt_u_" + w.CustomerId, "customer.subscription.updated", Now.AddMinutes(1), Sub(w, periodEnd: Start.AddMonths(2)));

        await SendAsync("evt_p_" + w.CustomerId, "invoice.paid", Now, RenewalInvoice(w, "in_late_" + w.CustomerId, paid: true, attempt: 1, Now));

        await using var db = await factory.DbAsync();
        Assert.Equal(["receipt"], await db.Outbox.Where(o => o.MemberId == w.MemberId).Select(o => o.Kind).ToListAsync());
    }

    [Fact]
    public async Task InvoicePaid_DraftWithoutNumber_ShownAsDraftThenNumberedWhenStripeNumbersIt()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var invoiceId = "in_draft_" + w.CustomerId;
        var draft = RenewalInvoice(w, invoiceId, paid: false, attempt: 1, Now.AddHours(-1));
        draft["number"] = null;

        await SendAsync("evt_dr_" + w.CustomerId, "invoice.payment_failed", Now.AddHours(-1), draft);

        await using (var db = await factory.DbAsync())
        {
            var invoice = await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId);
            Assert.Equal(invoiceId, invoice.Number);
            Assert.Equal($"Draft invoice {invoiceId}", invoice.DisplayNumber);
        }
        var member = factory.CreateBrowserlessClient();
        await using (var db = await factory.DbAsync())
            await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(member, (await db.Users.SingleAsync(u => u.Id == w.MemberId)).Email!, "a long member passphrase");
        Assert.Contains($"Draft invoice {invoiceId}", WebUtility.HtmlDecode(await member.GetStringAsync("/account/billing")));

        await SendAsync("evt_dp_" + w.CustomerId, "invoice.paid", Now, RenewalInvoice(w, invoiceId, paid: true, attempt: 2, Now));

        await using var check = await factory.DbAsync();
        var numbered = await check.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId);
        Assert.Equal("PORTAL-" + invoiceId[^6..].ToUpperInvariant(), numbered.DisplayNumber);
    }
}
