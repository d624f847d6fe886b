using System.Globalization;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Catalog;

/// <summary>A redeemable coupon: its discount terms plus the limits on who may use it and until when.</summary>
public sealed class Coupon
{
    private readonly HashSet<Guid> _productIds = [];

    private Coupon()
    {
    }

    public Guid Id { get; private set; }

    public CouponTerms Terms { get; private set; } = null!;

    public string Code => Terms.Code;

    public decimal? PercentOff => Terms.PercentOff;

    public Money? AmountOff => Terms.AmountOff;

    public CouponDuration Duration => Terms.Duration;

    public int? DurationInMonths => Terms.DurationInMonths;

    /// <summary>The coupon can be used before this instant, not at or after it.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public int? MaxRedemptions { get; private set; }

    public int TimesRedeemed { get; private set; }

    /// <summary>Products the coupon is restricted to; empty means every product.</summary>
    public IReadOnlySet<Guid> ProductIds => _productIds;

    public static Coupon Create(
        CouponTerms terms,
        DateTimeOffset? expiresAt = null,
        int? maxRedemptions = null,
        IEnumerable<Guid>? productIds = null,
        Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (maxRedemptions is < 1)
            throw new DomainException($"A redemption limit must be at least 1; {maxRedemptions} was given.");

        var coupon = new Coupon
        {
            Id = id ?? Guid.NewGuid(),
            Terms = terms,
            ExpiresAt = expiresAt,
            MaxRedemptions = maxRedemptions,
        };
        coupon._productIds.UnionWith(productIds ?? []);
        return coupon;
    }

    public bool Matches(string code) => Terms.Matches(code);

    public bool IsExhausted => MaxRedemptions is { } max && TimesRedeemed >= max;

    public CouponCheck CanApply(Guid productId, DateTimeOffset now)
    {
        if (ExpiresAt is { } expires && now >= expires)
            return CouponCheck.Rejected(
                $"Coupon {Code} expired on {expires.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}.");
        if (IsExhausted)
            return CouponCheck.Rejected($"Coupon {Code} has reached its redemption limit.");
        if (_productIds.Count > 0 && !_productIds.Contains(productId))
            return CouponCheck.Rejected($"Coupon {Code} does not apply to this product.");
        return CouponCheck.Valid;
    }

    public Money DiscountFor(Money amount) => Terms.DiscountFor(amount);

    public bool AppliesToInvoice(int billingCycleIndex, PriceTerms terms) => Terms.AppliesToInvoice(billingCycleIndex, terms);

    /// <summary>Counts one use. Call when a checkout using the coupon completes.</summary>
    public void Redeem()
    {
        if (IsExhausted)
            throw new DomainException($"Coupon {Code} has reached its redemption limit of {MaxRedemptions}.");
        TimesRedeemed++;
    }
}
