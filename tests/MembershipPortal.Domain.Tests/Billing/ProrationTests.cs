using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Billing;

public class ProrationTests
{
    // April 2025 has 30 days: the 16th at midnight leaves exactly half, the 21st exactly a third.
    private static readonly DateTimeOffset AprilStart = Utc(2025, 4, 1);
    private static readonly DateTimeOffset AprilEnd = Utc(2025, 5, 1);

    private static PriceTerms Monthly(long minor) => PriceTerms.Monthly(Usd(minor));

    [Fact]
    public void ForUpgrade_MonthlyHalfwayThroughPeriod_CreditsHalfOldAndChargesHalfNew()
    {
        var preview = Proration.ForUpgrade(Monthly(1000), Monthly(2000), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16));

        Assert.Equal(0.5m, preview.RemainingFraction);
        Assert.Equal(Usd(500), preview.UnusedCredit);
        Assert.Equal(Usd(1000), preview.RemainingCharge);
        Assert.Equal(Usd(500), preview.AmountDueNow);
        Assert.Equal((AprilStart, AprilEnd), (preview.NewPeriodStart, preview.NewPeriodEnd));
    }

    // Each line is rounded half away from zero on its own, as it appears on the invoice.
    [Theory]
    [InlineData(1000, 2000, 21, 333, 667, 334)] // a third left: 333.33 and 666.67
    [InlineData(1001, 2001, 16, 501, 1001, 500)] // half left: 500.5 and 1000.5
    public void ForUpgrade_FractionalAmounts_RoundsEachLineToMinorUnit(
        long oldMinor, long newMinor, int day, long expectedCredit, long expectedCharge, long expectedNet)
    {
        var preview = Proration.ForUpgrade(Monthly(oldMinor), Monthly(newMinor), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, day));

        Assert.Equal((Usd(expectedCredit), Usd(expectedCharge), Usd(expectedNet)),
            (preview.UnusedCredit, preview.RemainingCharge, preview.Net));
    }

    [Fact]
    public void ForUpgrade_QuarterlyWithAThirdLeft_ProratesOverTheWholeQuarter()
    {
        // Q1 2025 is 90 days; on Mar 2 there are 30 left.
        var preview = Proration.ForUpgrade(PriceTerms.Quarterly(Usd(3000)), PriceTerms.Quarterly(Usd(6000)), 1, 1,
            Utc(2025, 1, 1), Utc(2025, 4, 1), Utc(2025, 3, 2));

        Assert.Equal((Usd(1000), Usd(2000), Usd(1000)), (preview.UnusedCredit, preview.RemainingCharge, preview.AmountDueNow));
    }

    [Fact]
    public void ForUpgrade_YearlyHalfway_ChargesHalfTheYearlyDifference()
    {
        // 365 days; 182.5 days left at noon on Jul 2.
        var preview = Proration.ForUpgrade(PriceTerms.Yearly(Usd(12000)), PriceTerms.Yearly(Usd(24000)), 1, 1,
            Utc(2025, 1, 1), Utc(2026, 1, 1), Utc(2025, 7, 2, 12));

        Assert.Equal(0.5m, preview.RemainingFraction);
        Assert.Equal(Usd(6000), preview.AmountDueNow);
    }

    [Fact]
    public void ForUpgrade_MonthlyToYearly_ChargesFullYearMinusUnusedMonthAndStartsPeriodNow()
    {
        var now = Utc(2025, 4, 16);

        var preview = Proration.ForUpgrade(Monthly(1000), PriceTerms.Yearly(Usd(10000)), 1, 1, AprilStart, AprilEnd, now);

        Assert.Equal((Usd(500), Usd(10000), Usd(9500)), (preview.UnusedCredit, preview.RemainingCharge, preview.AmountDueNow));
        Assert.Equal((now, now, Utc(2026, 4, 16)), (preview.EffectiveAt, preview.NewPeriodStart, preview.NewPeriodEnd));
    }

    [Fact]
    public void ForUpgrade_QuantityIncrease_ChargesExtraSeatsForRemainingTime()
    {
        var preview = Proration.ForUpgrade(Monthly(1000), Monthly(1000), 1, 3, AprilStart, AprilEnd, Utc(2025, 4, 16));

        Assert.Equal(Usd(1000), preview.AmountDueNow);
    }

    [Fact]
    public void ForUpgrade_WithCoupon_ProratesDiscountedPricesOnBothSides()
    {
        var coupon = CouponTerms.Percent("TWENTY", 20, CouponDuration.Forever);

        var preview = Proration.ForUpgrade(Monthly(1000), Monthly(2000), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16), coupon);

        Assert.Equal((Usd(400), Usd(800), Usd(400)), (preview.UnusedCredit, preview.RemainingCharge, preview.AmountDueNow));
    }

    [Fact]
    public void ForUpgrade_AtPeriodStart_ChargesTheFullDifference()
    {
        var preview = Proration.ForUpgrade(Monthly(1000), Monthly(2500), 1, 1, AprilStart, AprilEnd, AprilStart);

        Assert.Equal(Usd(1500), preview.AmountDueNow);
    }

    [Fact]
    public void ForUpgrade_CheaperPlan_ThrowsSuggestingDowngrade()
    {
        var ex = Assert.Throws<DomainException>(() =>
            Proration.ForUpgrade(Monthly(2000), Monthly(1000), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16)));

        Assert.Contains("downgrade", ex.Message);
    }

    [Theory]
    [InlineData("2025-03-31T23:59:59")]
    [InlineData("2025-05-01")] // the period end itself: nothing left to prorate
    public void ForUpgrade_NowOutsideCurrentPeriod_Throws(string now)
    {
        Assert.Throws<DomainException>(() =>
            Proration.ForUpgrade(Monthly(1000), Monthly(2000), 1, 1, AprilStart, AprilEnd, Utc(now)));
    }

    [Fact]
    public void ForUpgrade_DifferentCurrencies_Throws()
    {
        Assert.Throws<DomainException>(() => Proration.ForUpgrade(
            Monthly(1000), PriceTerms.Monthly(new Money(2000, "EUR")), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16)));
    }

    [Fact]
    public void ForDowngrade_Default_TakesEffectAtPeriodEndWithNothingDueNow()
    {
        var preview = Proration.ForDowngrade(Monthly(2000), Monthly(1000), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16));

        Assert.Equal(ProrationTiming.AtPeriodEnd, preview.Timing);
        Assert.Equal((Usd(0), Usd(0)), (preview.AmountDueNow, preview.AccountCredit));
        Assert.Equal((AprilEnd, AprilEnd, Utc(2025, 6, 1)), (preview.EffectiveAt, preview.NewPeriodStart, preview.NewPeriodEnd));
    }

    [Fact]
    public void ForDowngrade_Immediate_NegativeNetBecomesAccountCredit()
    {
        var preview = Proration.ForDowngrade(Monthly(2000), Monthly(1000), 1, 1, AprilStart, AprilEnd, Utc(2025, 4, 16),
            ProrationTiming.Immediate);

        Assert.Equal(Usd(-500), preview.Net);
        Assert.Equal(Usd(0), preview.AmountDueNow);
        Assert.Equal(Usd(500), preview.AccountCredit);
    }

    [Fact]
    public void ForDowngrade_ImmediateYearlyToMonthlyEarly_CreditsUnusedYearBeyondFirstMonth()
    {
        // 365-day year with 292 days (0.8) left on Mar 15.
        var now = Utc(2025, 3, 15);
        var preview = Proration.ForDowngrade(PriceTerms.Yearly(Usd(12000)), Monthly(1000), 1, 1,
            Utc(2025, 1, 1), Utc(2026, 1, 1), now, ProrationTiming.Immediate);

        Assert.Equal((Usd(9600), Usd(1000), Usd(8600)), (preview.UnusedCredit, preview.RemainingCharge, preview.AccountCredit));
        Assert.Equal((now, Utc(2025, 4, 15)), (preview.NewPeriodStart, preview.NewPeriodEnd));
    }
}
