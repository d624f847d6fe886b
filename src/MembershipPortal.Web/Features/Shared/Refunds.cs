using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>A payment to refund: the gateway's id for it, the invoice it paid, whose it is and the card it came from.</summary>
public sealed record RefundOf(string GatewayPaymentId, Guid? InvoiceId, string MemberId, string? CardLast4 = null);

/// <summary>
/// What <see cref="Refunds.RefundAsync"/> did. <see cref="Row"/> and <see cref="Invoice"/> are set when this refund was
/// recorded now: the caller queues the member's refund notice for them (Notifications' <c>NoticeQueue.QueueRefundAsync</c>).
/// </summary>
public sealed record RecordedRefund(bool Succeeded, string? FailureMessage, Payment? Row = null, Invoice? Invoice = null);

/// <summary>
/// The one way the portal refunds a payment it took (the Owner's refund, a downgrade's unused time, an extra taken off a
/// box): refund through the gateway with the caller's idempotency key, then record it on the paid invoice as a negative
/// payment with the invoice's refunded total and status, for the caller to save.
/// </summary>
public static class Refunds
{
    public static async Task<RecordedRefund> RefundAsync(
        IPaymentGateway gateway, AppDbContext db, RefundOf paid, Money amount, string idempotencyKey, DateTimeOffset now, CancellationToken ct)
    {
        var refund = await gateway.RefundAsync(new RefundRequest(paid.GatewayPaymentId, amount, idempotencyKey), ct);
        if (!refund.Succeeded)
            return new RecordedRefund(false, refund.FailureMessage);
        // Stripe's charge.refunded may have recorded this refund (by its id) while the call returned; it is not recorded twice.
        if (refund.RefundId is { } refundId && await db.Payments.AnyAsync(p => p.GatewayPaymentId == refundId && p.Outcome == PaymentOutcome.Refunded, ct))
            return new RecordedRefund(true, null);
        if (await db.Invoices.FirstOrDefaultAsync(i => i.Id == paid.InvoiceId, ct) is not { } invoice)
            return new RecordedRefund(true, null);
        var row = new Payment
        {
            InvoiceId = invoice.Id,
            MemberId = paid.MemberId,
            AmountMinor = -amount.Minor,
            Currency = amount.Currency,
            Outcome = PaymentOutcome.Refunded,
            At = now,
            GatewayPaymentId = refund.RefundId,
            CardLast4 = paid.CardLast4,
        };
        db.Payments.Add(row);
        invoice.AddRefund(amount.Minor);
        return new RecordedRefund(true, null, row, invoice);
    }
}
