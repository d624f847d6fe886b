using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Catalog;

public class CouponTests
{
    private static readonly DateTimeOffset Now = Utc(2025, 3, 1);

    [Fact]
    public void Create_LowerCaseCode_NormalisedToUpperCase()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("  spring-25 ", 25, CouponDuration.Once));

        Assert.Equal("SPRING-25", coupon.Code);
    }

    [Theory]
    [InlineData("save20", true)]
    [InlineData(" Save20 ", true)]
    [InlineData("SAVE2", false)]
    public void Matches_Code_ComparesCaseInsensitively(string entered, bool expected)
    {
        var coupon = Coupon.Create(CouponTerms.Percent("SAVE20", 20, CouponDuration.Forever));

        Assert.Equal(expected, coupon.Matches(entered));
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("save!")]
    public void Percent_InvalidCode_Throws(string code)
    {
        Assert.Throws<DomainException>(() => CouponTerms.Percent(code, 10, CouponDuration.Once));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("100.01")]
    public void Percent_OutsideOneToHundred_Throws(string percent)
    {
        var ex = Assert.Throws<DomainException>(() =>
            CouponTerms.Percent("X", decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), CouponDuration.Once));

        Assert.Contains("between 1 and 100", ex.Message);
    }

    [Fact]
    public void Amount_Zero_Throws()
    {
        Assert.Throws<DomainException>(() => CouponTerms.Amount("X", Usd(0), CouponDuration.Once));
    }

    [Theory]
    [InlineData(CouponDuration.Repeating, null)]
    [InlineData(CouponDuration.Repeating, 0)]
    [InlineData(CouponDuration.Once, 3)]
    public void Percent_DurationMonthsInconsistentWithDuration_Throws(CouponDuration duration, int? months)
    {
        Assert.Throws<DomainException>(() => CouponTerms.Percent("X", 10, duration, months));
    }

    // The coupon is usable before ExpiresAt and not from that instant on.
    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    public void CanApply_AroundExpiry_ValidOnlyBefore(int secondsFromExpiry, bool expected)
    {
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once), expiresAt: Now);

        var check = coupon.CanApply(Guid.NewGuid(), Now.AddSeconds(secondsFromExpiry));

        Assert.Equal(expected, check.IsValid);
        if (!expected)
            Assert.Contains("expired", check.Reason);
    }

    [Fact]
    public void CanApply_RedemptionLimitReached_RejectedWithReason()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once), maxRedemptions: 1);
        coupon.Redeem();

        var check = coupon.CanApply(Guid.NewGuid(), Now);

        Assert.False(check.IsValid);
        Assert.Contains("redemption limit", check.Reason);
    }

    [Fact]
    public void CanApply_RestrictedToProducts_OnlyListedProductsValid()
    {
        var allowed = Guid.NewGuid();
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once), productIds: [allowed]);

        Assert.True(coupon.CanApply(allowed, Now).IsValid);
        var other = coupon.CanApply(Guid.NewGuid(), Now);
        Assert.False(other.IsValid);
        Assert.Contains("does not apply", other.Reason);
    }

    [Fact]
    public void CanApply_NoProductRestriction_AnyProductValid()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once));

        Assert.True(coupon.CanApply(Guid.NewGuid(), Now).IsValid);
    }

    [Theory]
    [InlineData(999, "50", 500)] // 499.5 rounds away from zero
    [InlineData(1999, "15", 300)] // 299.85
    [InlineData(1000, "33", 330)]
    [InlineData(1, "50", 1)] // 0.5
    [InlineData(333, "33.3", 111)] // 110.889
    public void DiscountFor_Percent_RoundsHalfAwayFromZeroToMinorUnit(long amount, string percent, long expected)
    {
        var terms = CouponTerms.Percent("X", decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), CouponDuration.Forever);

        Assert.Equal(Usd(expected), terms.DiscountFor(Usd(amount)));
    }

    [Fact]
    public void DiscountFor_PercentOnZeroDecimalCurrency_RoundsToWholeYen()
    {
        var terms = CouponTerms.Percent("X", 10, CouponDuration.Forever);

        Assert.Equal(new Money(100, "JPY"), terms.DiscountFor(new Money(999, "JPY")));
    }

    [Theory]
    [InlineData(2000, 500)]
    [InlineData(300, 300)] // never more than the amount
    [InlineData(0, 0)]
    public void DiscountFor_AmountOff_NeverExceedsAmount(long amount, long expected)
    {
        var terms = CouponTerms.Amount("X", Usd(500), CouponDuration.Forever);

        Assert.Equal(Usd(expected), terms.DiscountFor(Usd(amount)));
    }

    [Fact]
    public void DiscountFor_AmountOffInOtherCurrency_Throws()
    {
        var terms = CouponTerms.Amount("X", Usd(500), CouponDuration.Forever);

        Assert.Throws<DomainException>(() => terms.DiscountFor(new Money(2000, "EUR")));
    }

    [Theory]
    [InlineData(CouponDuration.Once, null, BillingInterval.Month, 1, 0, true)]
    [InlineData(CouponDuration.Once, null, BillingInterval.Month, 1, 1, false)]
    [InlineData(CouponDuration.Forever, null, BillingInterval.Year, 1, 7, true)]
    [InlineData(CouponDuration.Repeating, 3, BillingInterval.Month, 1, 2, true)] // monthly: first N invoices
    [InlineData(CouponDuration.Repeating, 3, BillingInterval.Month, 1, 3, false)]
    [InlineData(CouponDuration.Repeating, 3, BillingInterval.Year, 1, 0, true)] // yearly, 3 months: first invoice only
    [InlineData(CouponDuration.Repeating, 3, BillingInterval.Year, 1, 1, false)]
    [InlineData(CouponDuration.Repeating, 6, BillingInterval.Month, 3, 1, true)] // quarterly, 6 months: first 2
    [InlineData(CouponDuration.Repeating, 6, BillingInterval.Month, 3, 2, false)]
    [InlineData(CouponDuration.Repeating, 1, BillingInterval.Week, 1, 4, true)] // day 28 < 30.4
    [InlineData(CouponDuration.Repeating, 1, BillingInterval.Week, 1, 5, false)] // day 35
    public void AppliesToInvoice_ByDuration_CoversInvoicesStartingWithinDuration(
        CouponDuration duration, int? months, BillingInterval interval, int count, int invoiceIndex, bool expected)
    {
        var coupon = CouponTerms.Percent("X", 10, duration, months);

        Assert.Equal(expected, coupon.AppliesToInvoice(invoiceIndex, new PriceTerms(Usd(1000), interval, count)));
    }

    [Fact]
    public void Redeem_BelowLimit_IncrementsCount()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once), maxRedemptions: 2);

        coupon.Redeem();

        Assert.Equal(1, coupon.TimesRedeemed);
    }

    [Fact]
    public void Redeem_LimitReached_ThrowsAndKeepsCount()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("X", 10, CouponDuration.Once), maxRedemptions: 2);
        coupon.Redeem();
        coupon.Redeem();

        Assert.Throws<DomainException>(coupon.Redeem);
        Assert.Equal(2, coupon.TimesRedeemed);
    }
}
