using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Billing;

public sealed class RenewalInvoiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private static Subscription Monthly(long amount, Coupon? coupon = null, int quantity = 1, int trialDays = 0)
    {
        var price = CatalogPrice.Create(Guid.NewGuid(), new PriceTerms(new Money(amount, "USD"), BillingInterval.Month, trialDays: trialDays));
        return Subscription.Start("member", [new NewSubscriptionItem(price, quantity)], Start, paymentConfirmed: true, coupon);
    }

    [Fact]
    public void Total_NoCoupon_IsPriceTimesQuantity()
    {
        Assert.Equal(new Money(5700, "USD"), RenewalInvoice.Total(Monthly(1900, quantity: 3)));
    }

    [Fact]
    public void Total_OnceCoupon_NotAppliedOnRenewal()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("ONCE", 50, CouponDuration.Once));
        Assert.Equal(new Money(2000, "USD"), RenewalInvoice.Total(Monthly(2000, coupon)));
    }

    [Theory]
    [InlineData(1, 2000)] // second invoice falls outside a 1-month repeating discount
    [InlineData(2, 1800)] // still inside a 2-month one
    public void Total_RepeatingCoupon_AppliesOnlyWithinItsMonths(int months, long expected)
    {
        var coupon = Coupon.Create(CouponTerms.Percent("REP", 10, CouponDuration.Repeating, months));
        Assert.Equal(new Money(expected, "USD"), RenewalInvoice.Total(Monthly(2000, coupon)));
    }

    [Fact]
    public void Total_ForeverAmountCoupon_NeverExceedsThePrice()
    {
        var coupon = Coupon.Create(CouponTerms.Amount("BIG", new Money(5000, "USD"), CouponDuration.Forever));
        Assert.Equal(new Money(0, "USD"), RenewalInvoice.Total(Monthly(2000, coupon)));
    }

    [Fact]
    public void Total_OnceCouponWithTrial_AppliesToFirstPaidPeriod()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("TRIAL", 25, CouponDuration.Once));
        var trialing = Monthly(2000, coupon, trialDays: 7);
        Assert.Equal(SubscriptionStatus.Trialing, trialing.Status);
        Assert.Equal(new Money(1500, "USD"), RenewalInvoice.Total(trialing));
    }
}
