using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

public enum InvoiceLineKind
{
    Subscription,
    SetupFee,
    Discount,
    Shipping,
}

/// <summary>
/// One line of a checkout summary. Discount lines are negative. <see cref="ChargedNow"/> is false for lines
/// that belong to the first charge after a trial rather than to today's charge.
/// </summary>
public sealed record InvoiceLine(InvoiceLineKind Kind, Guid? ProductId, string Description, int Quantity, Money Amount, bool ChargedNow);

/// <summary>
/// What a checkout costs: <see cref="FirstCharge"/> is due today; <see cref="RecurringAmount"/> is the next
/// recurring charge (after the trial, or at the first renewal), with the coupon applied if it still runs then.
/// </summary>
public sealed record FirstInvoice(
    IReadOnlyList<InvoiceLine> Lines,
    Money FirstCharge,
    Money RecurringAmount,
    DateTimeOffset? TrialEndsAt,
    DateTimeOffset NextChargeAt)
{
    public Money DiscountToday =>
        Money.Zero(FirstCharge.Currency) - Lines
            .Where(l => l is { Kind: InvoiceLineKind.Discount, ChargedNow: true })
            .Aggregate(Money.Zero(FirstCharge.Currency), (sum, l) => sum + l.Amount);
}
