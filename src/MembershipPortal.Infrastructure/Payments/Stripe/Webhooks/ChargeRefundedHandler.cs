using MembershipPortal.Infrastructure.Billing;
using Microsoft.EntityFrameworkCore;
using StripeCharge = Stripe.Charge;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// charge.refunded: a refund made at Stripe (the dashboard, or the API outside the portal) reaches the ledger and the
/// member. A refund the portal made itself is already recorded, with Stripe's refund id, before this event arrives, so the
/// event adds only what the ledger does not hold yet: each listed refund not recorded, or (Stripe leaves the charge's
/// refund list out of events since API 2022-11-15) the part of <c>amount_refunded</c> above what is recorded. Either way
/// the refund notice is queued once per refund, under the same key as the portal's own refunds.
/// Left open: an event without the refund list that overtakes the portal's own save of a refund it just made (Stripe
/// sends events after the API answers, so the portal's save normally wins by far) would be recorded under the charge.
/// </summary>
internal sealed class ChargeRefundedHandler(IBillingNotices notices) : IStripeEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["charge.refunded"];

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        var charge = context.Object<StripeCharge>();
        var db = context.Db;
        var ids = new[] { charge.Id, charge.PaymentIntentId }.OfType<string>().ToList();
        var paid = await db.Payments.Where(p => p.Outcome == PaymentOutcome.Succeeded && p.GatewayPaymentId != null && ids.Contains(p.GatewayPaymentId))
            .OrderBy(p => p.At).FirstOrDefaultAsync(ct);
        if (paid is null)
        {
            context.Ignore($"Charge {charge.Id} is not a payment this portal recorded.");
            return;
        }
        var invoice = await db.Invoices.FirstAsync(i => i.Id == paid.InvoiceId, ct);
        var recorded = await db.Payments.Where(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Refunded).ToListAsync(ct);
        var recordedIds = recorded.Select(p => p.GatewayPaymentId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var recordedTotal = -recorded.Sum(p => p.AmountMinor);

        var fresh = new List<(string Id, long Amount, DateTimeOffset At)>();
        foreach (var refund in charge.Refunds?.Data ?? [])
            if (refund.Status is "succeeded" or "pending" && !recordedIds.Contains(refund.Id))
                fresh.Add((refund.Id, refund.Amount, refund.Created == default ? context.CreatedAt : new DateTimeOffset(refund.Created, TimeSpan.Zero)));
        var missing = charge.AmountRefunded - recordedTotal - fresh.Sum(f => f.Amount);
        if (missing > 0)
            // The refund's own id is not in the event; the charge and its refunded total name this step of it.
            fresh.Add(($"{charge.Id}:refunded:{charge.AmountRefunded}", missing, context.CreatedAt));

        foreach (var (id, amount, at) in fresh)
        {
            var row = new Payment
            {
                InvoiceId = invoice.Id,
                MemberId = invoice.MemberId,
                AmountMinor = -amount,
                Currency = invoice.Currency,
                Outcome = PaymentOutcome.Refunded,
                At = at,
                GatewayPaymentId = id,
                CardLast4 = paid.CardLast4,
            };
            db.Payments.Add(row);
            invoice.AddRefund(amount);
            await notices.RefundedAsync(db, invoice, row, context.Now, ct);
        }
    }
}
