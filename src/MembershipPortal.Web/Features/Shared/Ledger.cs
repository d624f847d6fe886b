using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>Builds ledger rows (invoices, payments) from domain invoice lines.</summary>
internal static class Ledger
{
    public static Invoice PaidInvoice(string memberId, Guid subscriptionId, IEnumerable<InvoiceLine> lines, Money total, DateTimeOffset now,
        DateTimeOffset? periodStart, DateTimeOffset? periodEnd, string reason) =>
        NewInvoice(memberId, subscriptionId, lines, total, now, periodStart, periodEnd, reason, paid: true);

    public static Invoice NewInvoice(string memberId, Guid subscriptionId, IEnumerable<InvoiceLine> lines, Money total, DateTimeOffset now,
        DateTimeOffset? periodStart, DateTimeOffset? periodEnd, string reason, bool paid)
    {
        var list = lines.ToList();
        var discount = -list.Where(l => l.Kind == InvoiceLineKind.Discount).Sum(l => l.Amount.Minor);
        return new Invoice
        {
            Number = $"INV-{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}",
            MemberId = memberId,
            SubscriptionId = subscriptionId,
            Currency = total.Currency,
            SubtotalMinor = total.Minor + discount,
            DiscountMinor = discount,
            TotalMinor = total.Minor,
            AmountPaidMinor = paid ? total.Minor : 0,
            Status = paid ? InvoiceStatus.Paid : InvoiceStatus.Failed,
            Reason = reason,
            CreatedAt = now,
            PaidAt = paid ? now : null,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            AttemptCount = 1,
            Lines = list.Select(l => new InvoiceLineRecord { Description = l.Description, ProductId = l.ProductId, Quantity = l.Quantity, AmountMinor = l.Amount.Minor }).ToList(),
        };
    }

    public static Payment Payment(Invoice invoice, string? gatewayPaymentId, string? last4, DateTimeOffset now, string? failureCode = null, string? failureMessage = null) => new()
    {
        InvoiceId = invoice.Id,
        MemberId = invoice.MemberId,
        AmountMinor = invoice.TotalMinor,
        Currency = invoice.Currency,
        Outcome = failureCode is null ? PaymentOutcome.Succeeded : PaymentOutcome.Failed,
        At = now,
        GatewayPaymentId = gatewayPaymentId,
        CardLast4 = last4,
        FailureCode = failureCode,
        FailureMessage = failureMessage,
    };
}
