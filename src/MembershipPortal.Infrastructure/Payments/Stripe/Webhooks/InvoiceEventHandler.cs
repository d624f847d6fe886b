using System.Text.Json;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// invoice.paid and invoice.payment_failed: the invoice is upserted into the ledger by its Stripe id (amounts in minor
/// units), each event adds one payment row, and the linked subscription records the payment through the domain.
/// invoice.upcoming is acknowledged only. A paid invoice of ours names neither its payment nor the card (Stripe sends
/// <c>invoice.payments</c> only when expanded), so both are read through the Stripe adapter before the transaction:
/// refunds need the payment id, and the member's billing page shows the card.
/// </summary>
internal sealed class InvoiceEventHandler(
    ILogger<InvoiceEventHandler> logger, IBillingNotices notices, IOneTimeGoods oneTimeGoods, IDbContextFactory<AppDbContext> dbFactory, IServiceProvider services)
    : IStripeEventHandler, IStripeEventPreparer
{
    private const string Paid = "invoice.paid";
    private const string PaymentFailed = "invoice.payment_failed";
    private const string Upcoming = "invoice.upcoming";

    public IReadOnlyCollection<string> EventTypes { get; } = [Paid, PaymentFailed, Upcoming];

    /// <summary>The invoice as read before the transaction, and its payment when Stripe had to be asked.</summary>
    private sealed record PreparedInvoice(WebhookInvoice Invoice, StripeInvoicePayment? Payment);

    public async Task<object?> PrepareAsync(StripeWebhookEvent stripeEvent, CancellationToken ct)
    {
        if (stripeEvent.Type != Paid)
            return null;
        var remote = stripeEvent.Data!.Object.Deserialize(StripeWebhookJson.Default.WebhookInvoice)
            ?? throw new InvalidOperationException($"Event {stripeEvent.Id} ({stripeEvent.Type}) does not carry an invoice.");
        if (remote.AmountPaid <= 0 || GatewayPaymentId(remote) is not null || !await LooksOursAsync(remote, ct))
            return new PreparedInvoice(remote, null);
        try
        {
            return new PreparedInvoice(remote, await services.GetRequiredService<StripePaymentGateway>().GetInvoicePaymentAsync(remote.Id, ct));
        }
        catch (Exception ex) when (ex is PaymentGatewayException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // The ledger does not wait for it: a key without the invoice-payments read permission would otherwise fail
            // every paid invoice until Stripe disables the endpoint. A refund of this payment then needs its id from Stripe.
            logger.LogWarning("Could not read the payment of Stripe invoice {Invoice}: {Reason}. Recorded without its payment id and card.", remote.Id, ex.Message);
            return new PreparedInvoice(remote, null);
        }
    }

    /// <summary>Worth a Stripe call: our checkout's metadata names a member, or the customer is one of ours.</summary>
    private async Task<bool> LooksOursAsync(WebhookInvoice remote, CancellationToken ct)
    {
        if ((remote.Parent?.SubscriptionDetails?.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey)
             ?? remote.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey)) is { Length: > 0 })
            return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await StripeLedger.MemberForCustomerAsync(db, remote.CustomerId, ct) is not null;
    }

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        // Renewal reminders are emails, and emails belong to the email feature; the event is acknowledged here.
        if (context.Event.Type == Upcoming)
            return;

        var prepared = context.Prepared as PreparedInvoice;
        var remote = prepared?.Invoice ?? context.Read(StripeWebhookJson.Default.WebhookInvoice);
        var db = context.Db;
        var succeeded = context.Event.Type == Paid;
        var gatewaySubscriptionId = remote.Parent?.SubscriptionDetails?.SubscriptionId;

        var record = gatewaySubscriptionId is null ? null : await StripeLedger.FindRecordAsync(db, gatewaySubscriptionId, ct);
        var local = record is null ? null : await StripeLedger.LoadSubscriptionAsync(db, record.SubscriptionId, ct);
        var memberId = local?.MemberId ?? await MemberAsync(db, remote, ct);
        if (memberId is null)
        {
            context.Ignore($"Invoice {remote.Id} (customer {remote.CustomerId ?? "none"}) is not this portal's: no member of this portal in its metadata or linked to its customer.");
            return;
        }
        if (gatewaySubscriptionId is not null && record is null)
        {
            // Ours but early (Stripe does not guarantee order): retried until its subscription is recorded. A member's
            // customer may also be billed for the account's other products: those invoices are not ours.
            if (await IsForOurSubscriptionAsync(db, remote, ct))
                throw new WebhookRetryLaterException($"Invoice {remote.Id} is for subscription {gatewaySubscriptionId}, which is not recorded yet.");
            context.Ignore($"Invoice {remote.Id} is for subscription {gatewaySubscriptionId}, which is not this portal's (not from its checkout, no catalog price).");
            return;
        }

        var (invoice, rowIsNewer) = await UpsertInvoiceAsync(db, remote, memberId, local?.Id, succeeded, ct);
        var paymentId = GatewayPaymentId(remote) ?? prepared?.Payment?.PaymentId;
        // An invoice is paid once: the same payment told again (a copy of the event under a new id, or an invoice the
        // Stripe import already recorded as paid) adds no second payment, which revenue would count twice.
        // An invoice first seen in this event has no payments yet: only a known one is looked up.
        var alreadyPaid = succeeded && db.Entry(invoice).State != EntityState.Added
            && await db.Payments.AnyAsync(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded, ct);
        if (!alreadyPaid)
            db.Payments.Add(new Payment
            {
                InvoiceId = invoice.Id,
                MemberId = memberId,
                AmountMinor = succeeded ? remote.AmountPaid : remote.AmountRemaining,
                Currency = invoice.Currency,
                Outcome = succeeded ? PaymentOutcome.Succeeded : PaymentOutcome.Failed,
                At = context.CreatedAt,
                FailureMessage = succeeded ? null : $"Payment attempt {remote.AttemptCount} failed.",
                GatewayPaymentId = paymentId,
                CardLast4 = prepared?.Payment?.Card?.Last4,
            });
        // What was sold once with the plan (one-time prices on the first invoice) ships once, whatever the event order.
        if (succeeded && local is not null && await OneTimeSalesAsync(db, remote, ct) is { Count: > 0 } sales)
            await oneTimeGoods.RecordAsync(db, local, invoice, sales, paymentId, StripeTime.FromUnix(remote.StatusTransitions?.PaidAt) ?? context.CreatedAt, ct);

        var stale = rowIsNewer || (record is not null && StripeLedger.IsStale(record, context.CreatedAt));
        if (prepared?.Payment?.Card is { } card && await KeepCardAsync(db, memberId, remote.CustomerId, card, onlyIfNone: stale, context.Now, ct))
            await db.SaveChangesAsync(ct); // inside the event's transaction: the receipt below reads the card from the database
        if (local is null || record is null)
            return;
        var receiptDue = succeeded && remote.AmountPaid > 0;
        if (stale)
        {
            logger.LogInformation("Stripe event {EventId} is older than what the portal holds for {Invoice} or {Subscription}; status left alone.",
                context.Event.Id, remote.Id, gatewaySubscriptionId);
            // A paid invoice is paid whatever was applied since: its receipt is due even when a newer subscription event
            // came first (the notice's key is the invoice, so this never sends it twice).
            if (receiptDue)
                await notices.InvoicePaidAsync(db, local, invoice, null, context.Now, ct);
            return;
        }

        var behindSince = local.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid ? local.FirstFailedPaymentAt : null;
        if (succeeded)
            RecordPaid(local, remote, context.Now);
        else
            RecordFailed(local, remote, context.Now);
        StripeLedger.MarkApplied(record, context.CreatedAt);
        // The member's emails go in the same transaction; their dedup keys make a redelivered event send nothing twice.
        if (receiptDue)
            await notices.InvoicePaidAsync(db, local, invoice, local.Status == SubscriptionStatus.Active ? behindSince : null, context.Now, ct);
        else if (!succeeded)
            await notices.PaymentFailedAsync(db, local, context.Now, ct);
    }

    /// <summary>
    /// The card that paid is the card on file (Stripe charges the default one). An older event only fills a missing card,
    /// so a card changed since is not put back. True when the profile changed.
    /// </summary>
    private static async Task<bool> KeepCardAsync(AppDbContext db, string memberId, string? customerId, CardSummary card, bool onlyIfNone, DateTimeOffset now, CancellationToken ct)
    {
        var profile = await db.BillingProfiles.FindAsync([memberId], ct);
        if (profile is null)
        {
            profile = new BillingProfile { MemberId = memberId, Gateway = StripePaymentGateway.GatewayName, CustomerId = customerId };
            db.BillingProfiles.Add(profile);
        }
        else if (onlyIfNone && profile.CardLast4 is not null)
        {
            return false;
        }
        (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear) = (card.Brand, card.Last4, card.ExpMonth, card.ExpYear);
        profile.UpdatedAt = now;
        return true;
    }

    internal static void RecordPaid(Subscription local, WebhookInvoice remote, DateTimeOffset now)
    {
        // A zero invoice (the one opening a trial) proves no card works; the subscription events carry the status then.
        if (remote.AmountPaid <= 0 || !SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.PaymentSucceeded))
            return;
        // A renewal pays a new period: items set to leave at the end of the last one (a removed kit) are gone by then.
        local.ApplyScheduledRemovals(now);
        var paidThrough = PaidThrough(remote) is { } end && end > now && end >= local.CurrentPeriodEnd ? end : (DateTimeOffset?)null;
        if (local.Status == SubscriptionStatus.Active && (paidThrough is null || paidThrough == local.CurrentPeriodEnd))
            return; // already paid through this period: a proration invoice, or the subscription event came first
        local.RecordPaymentSucceeded(now, paidThrough);
    }

    internal static void RecordFailed(Subscription local, WebhookInvoice remote, DateTimeOffset now)
    {
        // Stripe counts attempts per invoice; a failure already mirrored (by customer.subscription.updated → past_due, or
        // an earlier delivery of this attempt) is not counted twice.
        if (!SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.PaymentFailed))
            return;
        if (local.FailedPaymentAttempts >= Math.Max(1, remote.AttemptCount))
            return;
        local.RecordPaymentFailed(now);
    }

    /// <summary>
    /// The invoice row, updated from the event unless the row already shows a later state (then <c>RowIsNewer</c>). Stripe's
    /// invoices only move forward: open → paid or void, and the attempt count only grows. So a failure arriving after the
    /// payment, or attempt 1 after attempt 2, is an older event, whatever the order of delivery.
    /// </summary>
    internal static async Task<(Invoice Invoice, bool RowIsNewer)> UpsertInvoiceAsync(
        AppDbContext db, WebhookInvoice remote, string memberId, Guid? subscriptionId, bool succeeded, CancellationToken ct)
    {
        var number = remote.Number is { Length: > 0 and <= 32 } n ? n : null;
        var invoice = await StripeLedger.FindInvoiceAsync(db, remote.Id, ct);
        if (invoice is null)
        {
            invoice = new Invoice
            {
                // A draft has no number yet: the id stands in (shown as "Draft invoice in_..."), replaced once Stripe numbers it.
                Number = number ?? remote.Id,
                MemberId = memberId,
                Currency = remote.Currency?.ToUpperInvariant() ?? throw new InvalidOperationException($"Stripe invoice {remote.Id} has no currency."),
                GatewayInvoiceId = remote.Id,
                CreatedAt = StripeTime.FromUnix(remote.Created),
            };
            db.Invoices.Add(invoice);
        }
        else
        {
            if (number is not null && invoice.Number == remote.Id)
                invoice.Number = number;
            var settled = invoice.Status is InvoiceStatus.Paid or InvoiceStatus.Void or InvoiceStatus.Refunded or InvoiceStatus.PartiallyRefunded;
            if ((settled && !succeeded && remote.Status is not ("paid" or "void")) || remote.AttemptCount < invoice.AttemptCount)
                return (invoice, true);
        }

        invoice.SubscriptionId ??= subscriptionId;
        invoice.SubtotalMinor = remote.Subtotal;
        invoice.DiscountMinor = remote.TotalDiscountAmounts?.Sum(d => d.Amount) ?? 0;
        invoice.TaxMinor = remote.TotalTaxes?.Sum(t => t.Amount) ?? 0;
        invoice.TotalMinor = remote.Total;
        invoice.AmountPaidMinor = remote.AmountPaid;
        invoice.AttemptCount = (int)Math.Min(remote.AttemptCount, int.MaxValue);
        invoice.Reason = remote.BillingReason is { Length: > 0 and <= 40 } reason ? reason : invoice.Reason;
        // Refunds are the portal's own record; a redelivered payment event does not undo them.
        if (invoice.Status is not (InvoiceStatus.Refunded or InvoiceStatus.PartiallyRefunded))
            invoice.Status = remote.Status switch
            {
                "paid" => InvoiceStatus.Paid,
                "void" => InvoiceStatus.Void,
                _ when succeeded => InvoiceStatus.Paid,
                _ => InvoiceStatus.Failed,
            };
        invoice.PaidAt = invoice.Status == InvoiceStatus.Paid ? StripeTime.FromUnix(remote.StatusTransitions?.PaidAt) ?? invoice.PaidAt : invoice.PaidAt;

        var subscriptionLines = (remote.Lines?.Data ?? []).Where(l => l.Parent?.SubscriptionItemDetails is not null && l.Period is not null).ToList();
        invoice.PeriodStart = StripeTime.FromUnix(subscriptionLines.Count > 0 ? subscriptionLines.Min(l => l.Period!.Start) : remote.PeriodStart);
        invoice.PeriodEnd = StripeTime.FromUnix(subscriptionLines.Count > 0 ? subscriptionLines.Max(l => l.Period!.End) : remote.PeriodEnd);
        invoice.Lines = [.. (remote.Lines?.Data ?? []).Select(l => new InvoiceLineRecord
        {
            Description = Truncate(l.Description ?? "Subscription", 300),
            Quantity = (int)Math.Clamp(l.Quantity ?? 1, 0, int.MaxValue),
            AmountMinor = l.Amount,
        })];
        return (invoice, false);
    }

    /// <summary>The invoice's lines on a catalog price that are not subscription items: one-time prices Checkout billed once.</summary>
    private static async Task<List<OneTimeSale>> OneTimeSalesAsync(AppDbContext db, WebhookInvoice remote, CancellationToken ct)
    {
        var lines = (remote.Lines?.Data ?? []).Where(l => l.Parent?.SubscriptionItemDetails is null && l.Pricing?.PriceDetails?.Price is not null).ToList();
        if (lines.Count == 0)
            return [];
        var prices = await StripeLedger.PricesAsync(db, [.. lines.Select(l => l.Pricing!.PriceDetails!.Price!).Distinct()], ct);
        return [.. lines.Where(l => prices.ContainsKey(l.Pricing!.PriceDetails!.Price!))
            .Select(l => new OneTimeSale(prices[l.Pricing!.PriceDetails!.Price!], (int)Math.Clamp(l.Quantity ?? 1, 1, int.MaxValue), l.Amount))];
    }

    /// <summary>End of the service period paid for: the latest end among the invoice's (non-proration) subscription lines.</summary>
    private static DateTimeOffset? PaidThrough(WebhookInvoice remote)
    {
        var ends = (remote.Lines?.Data ?? [])
            .Where(l => l.Parent?.SubscriptionItemDetails is { Proration: false } && l.Period is not null)
            .Select(l => StripeTime.FromUnix(l.Period!.End))
            .ToList();
        return ends.Count > 0 ? ends.Max() : null;
    }

    private static async Task<string?> MemberAsync(AppDbContext db, WebhookInvoice remote, CancellationToken ct)
    {
        // Stripe copies the subscription's metadata (member_id, set by our checkout) onto its invoices.
        var fromMetadata = remote.Parent?.SubscriptionDetails?.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey)
            ?? remote.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey);
        if (fromMetadata is { Length: > 0 } && await StripeLedger.MemberExistsAsync(db, fromMetadata, ct))
            return fromMetadata;
        return await StripeLedger.MemberForCustomerAsync(db, remote.CustomerId, ct);
    }

    /// <summary>
    /// An invoice whose subscription is not recorded yet is ours when our checkout named the member in its metadata, or
    /// when it bills a member's customer for a price of our catalog (that subscription will be recorded when its event comes).
    /// </summary>
    private static async Task<bool> IsForOurSubscriptionAsync(AppDbContext db, WebhookInvoice remote, CancellationToken ct)
    {
        var fromMetadata = remote.Parent?.SubscriptionDetails?.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey);
        if (fromMetadata is { Length: > 0 } && await StripeLedger.MemberExistsAsync(db, fromMetadata, ct))
            return true;
        var priceIds = (remote.Lines?.Data ?? []).Select(l => l.Pricing?.PriceDetails?.Price).OfType<string>().Distinct().ToList();
        return priceIds.Count > 0 && (await StripeLedger.PricesAsync(db, priceIds, ct)).Count > 0;
    }

    internal static string? GatewayPaymentId(WebhookInvoice remote)
    {
        var payment = remote.Payments?.Data?.FirstOrDefault(p => p.IsDefault)?.Payment ?? remote.Payments?.Data?.FirstOrDefault()?.Payment;
        return payment?.PaymentIntentId ?? payment?.ChargeId;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
