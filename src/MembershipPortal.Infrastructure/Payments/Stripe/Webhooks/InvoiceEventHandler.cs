using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// invoice.paid and invoice.payment_failed: the invoice is upserted into the ledger by its Stripe id (amounts in minor
/// units), each event adds one payment row, and the linked subscription records the payment through the domain.
/// invoice.upcoming is acknowledged only.
/// </summary>
internal sealed class InvoiceEventHandler(ILogger<InvoiceEventHandler> logger, IBillingNotices notices) : IStripeEventHandler
{
    private const string Paid = "invoice.paid";
    private const string PaymentFailed = "invoice.payment_failed";
    private const string Upcoming = "invoice.upcoming";

    public IReadOnlyCollection<string> EventTypes { get; } = [Paid, PaymentFailed, Upcoming];

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        // Renewal reminders are emails, and emails belong to the email feature; the event is acknowledged here.
        if (context.Event.Type == Upcoming) return;

        var remote = context.Read(StripeWebhookJson.Default.WebhookInvoice);
        var db = context.Db;
        var succeeded = context.Event.Type == Paid;
        var gatewaySubscriptionId = remote.Parent?.SubscriptionDetails?.SubscriptionId;

        var record = gatewaySubscriptionId is null ? null : await StripeLedger.FindRecordAsync(db, gatewaySubscriptionId, ct);
        var local = record is null ? null : await StripeLedger.LoadSubscriptionAsync(db, record.SubscriptionId, ct);
        var memberId = local?.MemberId ?? await MemberAsync(db, remote, ct);
        if (memberId is null)
        {
            logger.LogWarning("Stripe invoice {Invoice} (customer {Customer}) belongs to no member of this portal; ignored.", remote.Id, remote.CustomerId);
            return;
        }
        if (gatewaySubscriptionId is not null && record is null)
            throw new WebhookRetryLaterException($"Invoice {remote.Id} is for subscription {gatewaySubscriptionId}, which is not recorded yet.");

        var invoice = await UpsertInvoiceAsync(db, remote, memberId, local?.Id, succeeded, ct);
        db.Payments.Add(new Payment
        {
            InvoiceId = invoice.Id,
            MemberId = memberId,
            AmountMinor = succeeded ? remote.AmountPaid : remote.AmountRemaining,
            Currency = invoice.Currency,
            Outcome = succeeded ? PaymentOutcome.Succeeded : PaymentOutcome.Failed,
            At = context.CreatedAt,
            FailureMessage = succeeded ? null : $"Payment attempt {remote.AttemptCount} failed.",
            GatewayPaymentId = GatewayPaymentId(remote),
        });

        if (local is null || record is null) return;
        if (StripeLedger.IsStale(record, context.CreatedAt))
        {
            logger.LogInformation("Stripe event {EventId} is older than the last one applied to {Subscription}; ledger updated, status left alone.",
                context.Event.Id, gatewaySubscriptionId);
            return;
        }

        var behindSince = local.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid ? local.FirstFailedPaymentAt : null;
        if (succeeded) RecordPaid(local, remote, context.Now);
        else RecordFailed(local, remote, context.Now);
        StripeLedger.MarkApplied(record, context.CreatedAt);
        // The member's emails go in the same transaction; their dedup keys make a redelivered event send nothing twice.
        if (succeeded && remote.AmountPaid > 0)
            await notices.InvoicePaidAsync(db, local, invoice, local.Status == SubscriptionStatus.Active ? behindSince : null, context.Now, ct);
        else if (!succeeded)
            await notices.PaymentFailedAsync(db, local, context.Now, ct);
    }

    private static void RecordPaid(Subscription local, WebhookInvoice remote, DateTimeOffset now)
    {
        // A zero invoice (the one opening a trial) proves no card works; the subscription events carry the status then.
        if (remote.AmountPaid <= 0 || !SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.PaymentSucceeded)) return;
        var paidThrough = PaidThrough(remote) is { } end && end > now && end >= local.CurrentPeriodEnd ? end : (DateTimeOffset?)null;
        if (local.Status == SubscriptionStatus.Active && (paidThrough is null || paidThrough == local.CurrentPeriodEnd))
            return; // already paid through this period: a proration invoice, or the subscription event came first
        local.RecordPaymentSucceeded(now, paidThrough);
    }

    private static void RecordFailed(Subscription local, WebhookInvoice remote, DateTimeOffset now)
    {
        // Stripe counts attempts per invoice; a failure already mirrored (by customer.subscription.updated → past_due, or
        // an earlier delivery of this attempt) is not counted twice.
        if (!SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.PaymentFailed)) return;
        if (local.FailedPaymentAttempts >= Math.Max(1, remote.AttemptCount)) return;
        local.RecordPaymentFailed(now);
    }

    private static async Task<Invoice> UpsertInvoiceAsync(
        AppDbContext db, WebhookInvoice remote, string memberId, Guid? subscriptionId, bool succeeded, CancellationToken ct)
    {
        var invoice = await StripeLedger.FindInvoiceAsync(db, remote.Id, ct);
        if (invoice is null)
        {
            invoice = new Invoice
            {
                Number = remote.Number is { Length: > 0 and <= 32 } number ? number : remote.Id,
                MemberId = memberId,
                Currency = remote.Currency?.ToUpperInvariant() ?? throw new InvalidOperationException($"Stripe invoice {remote.Id} has no currency."),
                GatewayInvoiceId = remote.Id,
                CreatedAt = StripeTime.FromUnix(remote.Created),
            };
            db.Invoices.Add(invoice);
        }

        invoice.SubscriptionId ??= subscriptionId;
        invoice.SubtotalMinor = remote.Subtotal;
        invoice.DiscountMinor = remote.TotalDiscountAmounts?.Sum(d => d.Amount) ?? 0;
        invoice.TaxMinor = remote.TotalTaxes?.Sum(t => t.Amount) ?? 0;
        invoice.TotalMinor = remote.Total;
        invoice.AmountPaidMinor = remote.AmountPaid;
        invoice.AttemptCount = (int)Math.Min(remote.AttemptCount, int.MaxValue);
        invoice.Reason = remote.BillingReason is { Length: > 0 and <= 40 } reason ? reason : invoice.Reason;
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
        return invoice;
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
        if (fromMetadata is { Length: > 0 } && await StripeLedger.MemberExistsAsync(db, fromMetadata, ct)) return fromMetadata;
        return await StripeLedger.MemberForCustomerAsync(db, remote.CustomerId, ct);
    }

    private static string? GatewayPaymentId(WebhookInvoice remote)
    {
        var payment = remote.Payments?.Data?.FirstOrDefault(p => p.IsDefault)?.Payment ?? remote.Payments?.Data?.FirstOrDefault()?.Payment;
        return payment?.PaymentIntentId ?? payment?.ChargeId;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
