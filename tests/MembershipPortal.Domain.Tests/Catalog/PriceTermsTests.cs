using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Catalog;

public class PriceTermsTests
{
    [Theory]
    [InlineData(-1, 1, 0, "negative")]
    [InlineData(1000, 0, 0, "1 or more")]
    [InlineData(1000, 1, -1, "Trial days")]
    public void Ctor_InvalidTerms_ThrowsWithClearMessage(long amount, int intervalCount, int trialDays, string expectedMessagePart)
    {
        var ex = Assert.Throws<DomainException>(() => new PriceTerms(Usd(amount), BillingInterval.Month, intervalCount, trialDays));

        Assert.Contains(expectedMessagePart, ex.Message);
    }

    [Fact]
    public void Ctor_SetupFeeInOtherCurrency_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => PriceTerms.Monthly(Usd(1000), setupFee: new Money(500, "EUR")));

        Assert.Contains("EUR", ex.Message);
    }

    [Fact]
    public void Ctor_ZeroSetupFee_StoredAsNoSetupFee()
    {
        var terms = PriceTerms.Monthly(Usd(1000), setupFee: Usd(0));

        Assert.Null(terms.SetupFee);
    }

    [Theory]
    [InlineData("2024-01-31", BillingInterval.Month, 1, "2024-02-29")] // leap year: clamp to Feb 29
    [InlineData("2023-01-31", BillingInterval.Month, 1, "2023-02-28")]
    [InlineData("2024-11-30", BillingInterval.Month, 1, "2024-12-30")]
    [InlineData("2024-01-31", BillingInterval.Month, 3, "2024-04-30")]
    [InlineData("2024-02-29", BillingInterval.Year, 1, "2025-02-28")]
    [InlineData("2024-03-10", BillingInterval.Week, 2, "2024-03-24")]
    [InlineData("2024-12-31", BillingInterval.Day, 1, "2025-01-01")]
    public void NextPeriodEnd_CalendarCadence_ClampsToMonthEnd(string start, BillingInterval interval, int count, string expected)
    {
        var terms = new PriceTerms(Usd(1000), interval, count);

        Assert.Equal(Utc(expected), terms.NextPeriodEnd(Utc(start)));
    }

    // Anchored on the original day: Jan 31 → Feb 29 → Mar 31, never drifting to Mar 29.
    [Theory]
    [InlineData(1, "2024-02-29")]
    [InlineData(2, "2024-03-31")]
    [InlineData(3, "2024-04-30")]
    [InlineData(13, "2025-02-28")]
    [InlineData(-1, "2023-12-31")]
    public void AddIntervals_FromJan31Anchor_ComputesFromAnchorWithoutDrift(int periods, string expected)
    {
        var terms = PriceTerms.Monthly(Usd(1000));

        Assert.Equal(Utc(expected), terms.AddIntervals(Utc("2024-01-31"), periods));
    }

    [Fact]
    public void BoundaryAfter_ClampedFebruaryEnd_ReturnsAnchoredMarchEnd()
    {
        var terms = PriceTerms.Monthly(Usd(1000));

        Assert.Equal(Utc("2024-03-31"), terms.BoundaryAfter(Utc("2024-01-31"), Utc("2024-02-29")));
    }

    [Theory]
    [InlineData("2024-03-31", "2024-02-29")] // on a boundary: the one before
    [InlineData("2024-03-15", "2024-02-29")]
    [InlineData("2026-06-01", "2026-05-31")] // far from the anchor
    public void BoundaryBefore_Instant_ReturnsLastAnchoredBoundaryStrictlyBefore(string instant, string expected)
    {
        var terms = PriceTerms.Monthly(Usd(1000));

        Assert.Equal(Utc(expected), terms.BoundaryBefore(Utc("2024-01-31"), Utc(instant)));
    }

    [Theory]
    [InlineData(12000, BillingInterval.Year, 1, "1000")]
    [InlineData(24000, BillingInterval.Year, 2, "1000")]
    [InlineData(3000, BillingInterval.Month, 3, "1000")] // quarterly = price / 3
    [InlineData(999, BillingInterval.Month, 1, "999")]
    [InlineData(1000, BillingInterval.Week, 1, "4333.3333")] // × 52 / 12
    [InlineData(100, BillingInterval.Day, 1, "3041.6667")] // × 365 / 12
    public void MonthlyEquivalent_AnyCadence_NormalisesToOneMonth(long amount, BillingInterval interval, int count, string expected)
    {
        var terms = new PriceTerms(Usd(amount), interval, count);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), decimal.Round(terms.MonthlyEquivalent(), 4));
    }

    [Fact]
    public void HasSameCadenceAs_QuarterlyVersusMonthly_False()
    {
        Assert.False(PriceTerms.Quarterly(Usd(3000)).HasSameCadenceAs(PriceTerms.Monthly(Usd(1000))));
        Assert.True(PriceTerms.Monthly(Usd(3000)).HasSameCadenceAs(PriceTerms.Monthly(Usd(1000))));
    }
}
