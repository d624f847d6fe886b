using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// Stripe does not guarantee order and redelivers. One member's checkout → renewal → failure → recovery → cancel,
/// built from Stripe's own objects, is delivered through the real endpoint in many shuffled orders with duplicates (and
/// redelivered, as Stripe does, when the endpoint answered 500): every order must end in the same ledger.
/// </summary>
public sealed class StripeShuffledRoundTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private const int Permutations = 30;

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    /// <summary>The round's ten events, in the order Stripe created them; the whole round lies in the past.</summary>
    private List<(string Id, string Type, DateTimeOffset Created, JsonObject Object)> Round(StripeWorld w)
    {
        var begin = Now.AddDays(-75);
        var renewal = begin.AddMonths(1);
        var failure = begin.AddMonths(2);
        var recovery = failure.AddDays(3);
        var cancel = recovery.AddDays(5);
        JsonObject Sub(string status, DateTimeOffset periodStart, DateTimeOffset periodEnd)
        {
            var sub = StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, status, begin, periodEnd, periodStart: periodStart);
            sub["default_payment_method"] = "pm_1Pgc75B7WZ01zgkWlHVgdEGJ";
            if (status == "canceled")
            {
                sub["canceled_at"] = cancel.ToUnixTimeSeconds();
                sub["ended_at"] = cancel.ToUnixTimeSeconds();
                sub["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = "too_expensive", ["reason"] = "cancellation_requested" };
            }
            return sub;
        }
        JsonObject Invoice(string id, bool paid, int attempt, DateTimeOffset periodStart, DateTimeOffset created, DateTimeOffset? paidAt = null, string reason = "subscription_cycle")
        {
            var invoice = StripeEvents.Invoice(id, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid, attempt, periodStart, periodStart.AddMonths(1), created);
            invoice["billing_reason"] = reason;
            invoice["number"] = $"PORTAL-{id[3..5].ToUpperInvariant()}-{w.CustomerId[^6..]}";
            if (paidAt is { } at)
                invoice["status_transitions"]!["paid_at"] = at.ToUnixTimeSeconds();
            return invoice;
        }

        var k = w.CustomerId;
        return
        [
            ($"evt_r1_{k}", "checkout.session.completed", begin, StripeEvents.CheckoutSession($"cs_{k}", w.MemberId, w.CustomerId, w.SubscriptionId)),
            ($"evt_r2_{k}", "customer.subscription.created", begin, Sub("active", begin, renewal)),
            ($"evt_r3_{k}", "invoice.paid", begin.AddSeconds(2), Invoice($"in_r1_{k}", true, 1, begin, begin.AddSeconds(1), reason: "subscription_create")),
            ($"evt_r4_{k}", "customer.subscription.updated", renewal, Sub("active", renewal, failure)),
            ($"evt_r5_{k}", "invoice.paid", renewal.AddSeconds(2), Invoice($"in_r2_{k}", true, 1, renewal, renewal.AddSeconds(1))),
            ($"evt_r6_{k}", "invoice.payment_failed", failure.AddSeconds(1), Invoice($"in_r3_{k}", false, 1, failure, failure)),
            ($"evt_r7_{k}", "customer.subscription.updated", failure.AddSeconds(2), Sub("past_due", failure, failure.AddMonths(1))),
            ($"evt_r8_{k}", "invoice.paid", recovery, Invoice($"in_r3_{k}", true, 2, failure, failure, paidAt: recovery)),
            ($"evt_r9_{k}", "customer.subscription.updated", recovery.AddSeconds(1), Sub("active", failure, failure.AddMonths(1))),
            ($"evt_r10_{k}", "customer.subscription.deleted", cancel, Sub("canceled", failure, failure.AddMonths(1))),
        ];
    }

    [Fact]
    public async Task Round_ThirtyShuffledOrdersWithDuplicates_SameLedgerStatusesPaymentsAndReceipts()
    {
        factory.StripeApi.Respond(HttpMethod.Get, "/v1/invoice_payments", request =>
        {
            var invoiceId = System.Web.HttpUtility.ParseQueryString(request.Query)["invoice"]!;
            return StripeEvents.InvoicePaymentList(invoiceId, "pi_" + invoiceId[3..], 2000);
        });

        var snapshots = new List<string>();
        for (var seed = 0; seed < Permutations; seed++)
        {
            var w = await factory.SeedAsync();
            var deliveries = Shuffle(Round(w), new Random(seed));
            var dunning = await DeliverAsync(deliveries, w);
            snapshots.Add(await SnapshotAsync(w));

            // Notices about the failure are true when queued, so they depend on whether the failure was delivered before
            // its recovery; whatever the order, each is queued at most once and a member who canceled is not told Stripe gave up.
            Assert.All(dunning.GroupBy(d => d), g => Assert.Single(g));
            Assert.DoesNotContain("access-suspended", dunning);
        }

        Assert.All(snapshots, s => Assert.Equal(snapshots[0], s));
        Assert.Contains("Canceled", snapshots[0]);
        Assert.Equal(3, snapshots[0].Split("receipt|").Length - 1);
    }

    /// <summary>A permutation with about one delivery in three repeated somewhere later.</summary>
    private static List<(string Id, string Type, DateTimeOffset Created, JsonObject Object)> Shuffle(
        List<(string Id, string Type, DateTimeOffset Created, JsonObject Object)> round, Random random)
    {
        var order = round.OrderBy(_ => random.Next()).ToList();
        foreach (var duplicate in round.Where(_ => random.Next(3) == 0).ToList())
            order.Insert(random.Next(order.IndexOf(duplicate) + 1, order.Count + 1), duplicate);
        return order;
    }

    /// <summary>Posts each delivery; what answered 500 is delivered again after the rest, as Stripe retries. Returns the dunning notices queued.</summary>
    private async Task<List<string>> DeliverAsync(List<(string Id, string Type, DateTimeOffset Created, JsonObject Object)> deliveries, StripeWorld w)
    {
        var pending = deliveries;
        for (var attempt = 0; attempt < 5 && pending.Count > 0; attempt++)
        {
            var retry = new List<(string, string, DateTimeOffset, JsonObject)>();
            foreach (var d in pending)
            {
                var response = await factory.PostEventAsync(StripeEvents.Envelope(d.Id, d.Type, d.Created, d.Object.DeepClone().AsObject()));
                if (response.StatusCode == HttpStatusCode.InternalServerError)
                    retry.Add(d);
                else
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            pending = retry;
        }
        await using var db = await factory.DbAsync();
        var stuck = pending.Select(p => p.Id).ToList();
        Assert.True(stuck.Count == 0, "Still failing: " + string.Join("; ",
            await db.WebhookEventLog.Where(e => stuck.Contains(e.EventId)).Select(e => e.EventId + " " + e.Type + ": " + e.Reason).ToListAsync()));
        return await db.Outbox.Where(o => o.MemberId == w.MemberId && o.Kind != "receipt").Select(o => o.Kind).ToListAsync();
    }

    /// <summary>Everything the round leaves behind, as text with the member's own ids replaced, so rounds compare.</summary>
    private async Task<string> SnapshotAsync(StripeWorld w)
    {
        await using var db = await factory.DbAsync();
        var text = new StringBuilder();
        var subscription = await db.Subscriptions.Include(s => s.Items).AsNoTracking().SingleAsync(s => s.MemberId == w.MemberId);
        // Not compared: the ended subscription's paid-through date and failure counters. They record the path the portal
        // saw (a failure whose recovery arrived after the cancellation; a renewal whose period had ended by its delivery,
        // which the domain does not record), and nothing reads them once it is canceled.
        text.AppendLine(string.Join('|', subscription.Status, subscription.StartedAt, subscription.CanceledAt, subscription.CancelReason,
            subscription.CancelAtPeriodEnd, subscription.MonthlyRecurringMinor(),
            string.Join(',', subscription.Items.Select(i => $"{i.PriceId == w.PriceId}x{i.Quantity}"))));
        var record = await db.SubscriptionRecords.AsNoTracking().SingleAsync(r => r.SubscriptionId == subscription.Id);
        text.AppendLine(string.Join('|', record.GatewaySubscriptionId, record.LastGatewayEventAt));

        var invoices = await db.Invoices.AsNoTracking().Where(i => i.MemberId == w.MemberId).OrderBy(i => i.GatewayInvoiceId).ToListAsync();
        foreach (var i in invoices)
            text.AppendLine(string.Join('|', i.GatewayInvoiceId, i.DisplayNumber, i.Status, i.SubscriptionId == subscription.Id, i.TotalMinor, i.AmountPaidMinor,
                i.AttemptCount, i.Reason, i.CreatedAt, i.PaidAt, i.PeriodStart, i.PeriodEnd, string.Join(',', i.Lines.Select(l => $"{l.Description}:{l.AmountMinor}"))));
        var numbers = invoices.ToDictionary(i => i.Id, i => i.GatewayInvoiceId);
        var payments = await db.Payments.AsNoTracking().Where(p => p.MemberId == w.MemberId).ToListAsync();
        foreach (var p in payments.OrderBy(p => numbers[p.InvoiceId]).ThenBy(p => p.At).ThenBy(p => p.Outcome))
            text.AppendLine(string.Join('|', numbers[p.InvoiceId], p.Outcome, p.AmountMinor, p.Currency, p.At, p.GatewayPaymentId, p.CardLast4, p.FailureMessage));
        var profile = await db.BillingProfiles.AsNoTracking().SingleAsync(p => p.MemberId == w.MemberId);
        text.AppendLine(string.Join('|', profile.Gateway, profile.CustomerId, profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear));

        var receipts = await db.Outbox.AsNoTracking().Where(o => o.MemberId == w.MemberId && o.Kind == "receipt").ToListAsync();
        foreach (var r in receipts.OrderBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.TextBody, StringComparer.Ordinal))
            text.AppendLine(string.Join('|', r.Kind, r.Subject, InvoiceLinksOut(r.TextBody, invoices)));
        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);

        var email = (await db.Users.SingleAsync(u => u.Id == w.MemberId)).Email!;
        return text.ToString().Replace(w.CustomerId[4..], "K").Replace(w.CustomerId[^6..], "K6").Replace(w.MemberId, "MEMBER").Replace(email, "EMAIL");
    }

    /// <summary>A receipt links to its invoice by the portal's own id (new each round): replaced by Stripe's.</summary>
    private static string InvoiceLinksOut(string body, IEnumerable<MembershipPortal.Infrastructure.Billing.Invoice> invoices) =>
        invoices.Aggregate(body, (text, i) => text.Replace(i.Id.ToString(), i.GatewayInvoiceId));
}
