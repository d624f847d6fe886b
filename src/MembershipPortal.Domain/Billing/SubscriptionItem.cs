using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// One priced line of a subscription. <see cref="Terms"/> is a copy taken at purchase, so archiving or
/// replacing the catalog price never changes what an existing member pays.
/// </summary>
public sealed class SubscriptionItem
{
    private SubscriptionItem()
    {
    }

    internal SubscriptionItem(Guid id, CatalogPrice price, int quantity, CouponTerms? coupon)
    {
        Id = id;
        ProductId = price.ProductId;
        PriceId = price.Id;
        Terms = price.Terms;
        Quantity = RequireQuantity(quantity);
        Coupon = coupon;
    }

    public Guid Id { get; private set; }

    public Guid ProductId { get; private set; }

    public Guid PriceId { get; private set; }

    public PriceTerms Terms { get; private set; } = null!;

    public int Quantity { get; private set; }

    /// <summary>The coupon terms discounting this item, copied when applied; null when undiscounted.</summary>
    public CouponTerms? Coupon { get; private set; }

    public string? CouponCode => Coupon?.Code;

    /// <summary>Set to leave the subscription when the current period ends (a mailed kit the member removed); charged and shipped until then.</summary>
    public bool EndsAtPeriodEnd { get; private set; }

    /// <summary>Price × quantity for one period, before any discount.</summary>
    public Money GrossPerPeriod => Terms.Amount * Quantity;

    /// <summary>
    /// This item's contribution to MRR in unrounded minor units. Forever and still-running repeating discounts
    /// count; one-off (once) discounts do not, as they do not recur.
    /// </summary>
    public decimal MonthlyRecurring(DateTimeOffset periodStart, DateTimeOffset discountStart)
    {
        var gross = GrossPerPeriod;
        var recurringDiscount = Coupon is { Duration: not CouponDuration.Once } coupon
            && coupon.AppliesToPeriodStarting(periodStart, discountStart)
                ? coupon.DiscountFor(gross)
                : Money.Zero(gross.Currency);
        return Terms.MonthlyEquivalentOf((gross - recurringDiscount).Minor);
    }

    internal void ChangePrice(CatalogPrice price)
    {
        ProductId = price.ProductId;
        PriceId = price.Id;
        Terms = price.Terms;
    }

    internal void SetEndsAtPeriodEnd(bool ends) => EndsAtPeriodEnd = ends;

    internal void ChangeQuantity(int quantity) => Quantity = RequireQuantity(quantity);

    internal static int RequireQuantity(int quantity) =>
        quantity >= 1 ? quantity : throw new DomainException($"Quantity must be at least 1; {quantity} was given.");
}
