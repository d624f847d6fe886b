using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Billing;

public class InvoiceCalculatorTests
{
    private static readonly DateTimeOffset Now = Utc(2025, 3, 10, 14);

    [Fact]
    public void ForCheckout_NoTrial_ChargesPriceTimesQuantityPlusSetupFeeOnce()
    {
        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1500, setupFee: 2500), 2)], Now);

        Assert.Equal(Usd(5500), invoice.FirstCharge);
        Assert.Equal(Usd(3000), invoice.RecurringAmount);
        Assert.Null(invoice.TrialEndsAt);
        Assert.Equal(Utc(2025, 4, 10, 14), invoice.NextChargeAt);
        Assert.Equal([InvoiceLineKind.Subscription, InvoiceLineKind.SetupFee], invoice.Lines.Select(l => l.Kind));
    }

    [Fact]
    public void ForCheckout_TrialWithSetupFee_ChargesOnlySetupFeeToday()
    {
        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1500, trialDays: 14, setupFee: 2500))], Now);

        Assert.Equal(Usd(2500), invoice.FirstCharge);
        Assert.Equal(Usd(1500), invoice.RecurringAmount);
        Assert.Equal(Now.AddDays(14), invoice.TrialEndsAt);
        Assert.Equal(Now.AddDays(14), invoice.NextChargeAt);
        Assert.False(invoice.Lines.Single(l => l.Kind == InvoiceLineKind.Subscription).ChargedNow);
    }

    [Fact]
    public void ForCheckout_TrialWithoutSetupFee_ChargesNothingToday()
    {
        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1500, trialDays: 7))], Now);

        Assert.Equal(Usd(0), invoice.FirstCharge);
        Assert.Equal(Usd(1500), invoice.RecurringAmount);
    }

    [Theory]
    [InlineData(CouponDuration.Once, 750, 1000)]
    [InlineData(CouponDuration.Forever, 750, 750)]
    public void ForCheckout_PercentCoupon_DiscountsInvoicesItCovers(CouponDuration duration, long expectedFirst, long expectedRecurring)
    {
        var coupon = Coupon.Create(CouponTerms.Percent("QUARTER", 25, duration));

        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1000))], Now, coupon);

        Assert.Equal((Usd(expectedFirst), Usd(expectedRecurring)), (invoice.FirstCharge, invoice.RecurringAmount));
        Assert.Equal(Usd(250), invoice.DiscountToday);
    }

    [Fact]
    public void ForCheckout_RepeatingCouponOnYearlyPrice_RecurringChargeUndiscounted()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("SPRING", 50, CouponDuration.Repeating, 3));

        var invoice = InvoiceCalculator.ForCheckout([new(Yearly(12000))], Now, coupon);

        Assert.Equal((Usd(6000), Usd(12000)), (invoice.FirstCharge, invoice.RecurringAmount));
    }

    [Fact]
    public void ForCheckout_CouponRestrictedToAddOn_DiscountsOnlyTheAddOn()
    {
        var addOn = Guid.NewGuid();
        var coupon = Coupon.Create(CouponTerms.Percent("ADDON", 50, CouponDuration.Forever), productIds: [addOn]);

        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(2000)), new(Monthly(500, productId: addOn))], Now, coupon);

        Assert.Equal(Usd(2250), invoice.FirstCharge);
    }

    [Fact]
    public void ForCheckout_AmountOffCouponWithTwoItems_TakenOnce()
    {
        var coupon = Coupon.Create(CouponTerms.Amount("FIVE", Usd(500), CouponDuration.Forever));

        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(2000)), new(Monthly(1000))], Now, coupon);

        Assert.Equal(Usd(2500), invoice.FirstCharge);
    }

    // Coupons discount the subscription price, never the setup fee.
    [Fact]
    public void ForCheckout_FullDiscountWithSetupFee_StillChargesSetupFee()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("FREE", 100, CouponDuration.Once));

        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1000, setupFee: 1500))], Now, coupon);

        Assert.Equal(Usd(1500), invoice.FirstCharge);
    }

    // With a trial, the first paid invoice is the one a "once" coupon discounts.
    [Fact]
    public void ForCheckout_TrialWithOnceCoupon_DiscountsFirstChargeAfterTrial()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("WELCOME", 10, CouponDuration.Once));

        var invoice = InvoiceCalculator.ForCheckout([new(Monthly(1000, trialDays: 14))], Now, coupon);

        Assert.Equal((Usd(0), Usd(900), Usd(0)), (invoice.FirstCharge, invoice.RecurringAmount, invoice.DiscountToday));
    }

    [Fact]
    public void ForCheckout_ArchivedPrice_Throws()
    {
        var price = Monthly(1000);
        price.Archive(Now);

        Assert.Throws<DomainException>(() => InvoiceCalculator.ForCheckout([new(price)], Now));
    }

    [Fact]
    public void ForCheckout_ExpiredCoupon_ThrowsWithExpiryReason()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("OLD", 10, CouponDuration.Once), expiresAt: Now.AddDays(-1));

        var ex = Assert.Throws<DomainException>(() => InvoiceCalculator.ForCheckout([new(Monthly(1000))], Now, coupon));

        Assert.Contains("expired", ex.Message);
    }
}
