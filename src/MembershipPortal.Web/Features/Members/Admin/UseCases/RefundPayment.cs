using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Refunds all or part of a member's payment through the gateway and records it on the invoice (the Owner only).</summary>
public sealed record RefundPayment(string MemberId, Guid PaymentId, long AmountMinor) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.refund", MemberId);
}

public sealed class RefundPaymentHandler(IPaymentGateway gateway, NoticeQueue notices) : IUseCaseHandler<RefundPayment>
{
    public async Task<string> RunAsync(RefundPayment request, UseCaseScope uc)
    {
        var (db, ct, amountMinor) = (uc.Db, uc.Ct, request.AmountMinor);
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == request.PaymentId && p.MemberId == request.MemberId, ct);
        if (payment is null || payment.Outcome != PaymentOutcome.Succeeded || payment.GatewayPaymentId is null)
            throw new UseCaseRefused("Only a successful card payment can be refunded.");
        var already = -await db.Payments.Where(p => p.InvoiceId == payment.InvoiceId && p.Outcome == PaymentOutcome.Refunded).SumAsync(p => p.AmountMinor, ct);
        var left = payment.AmountMinor - already;
        if (amountMinor <= 0 || amountMinor > left)
            throw new UseCaseRefused($"Refund between {new Money(1, payment.Currency).Display()} and {new Money(left, payment.Currency).Display()}.");
        var amount = new Money(amountMinor, payment.Currency);
        var refund = await Refunds.RefundAsync(gateway, db, new RefundOf(payment.GatewayPaymentId, payment.InvoiceId, request.MemberId, payment.CardLast4),
            amount, $"staff-refund:{payment.Id}:{already}:{amountMinor}", uc.Now, ct);
        if (!refund.Succeeded)
            throw new UseCaseRefused(refund.FailureMessage ?? "The gateway refused the refund.");
        uc.AuditSummary = $"Refunded {amount.Display()} of payment {payment.Id}";
        // Keyed by the gateway's refund id: Stripe's charge.refunded for this refund finds the row and sends nothing more.
        if (refund is { Row: { } row, Invoice: { } invoice })
            await notices.QueueRefundAsync(db, invoice, row, uc.Now, ct);
        return $"Refunded {amount.Display()}.";
    }
}
