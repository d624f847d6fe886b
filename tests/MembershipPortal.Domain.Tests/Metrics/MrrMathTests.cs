using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Domain.Tests.Metrics;

public class MrrMathTests
{
    [Theory]
    [InlineData(3000, 2, 0, BillingInterval.Month, 1, "6000")]
    [InlineData(200000, 4, 0, BillingInterval.Year, 1, "66666.67")] // METRICS.md §7: Gold yearly × 4 seats
    [InlineData(12000, 1, 0, BillingInterval.Year, 1, "1000")]
    [InlineData(9000, 1, 0, BillingInterval.Month, 3, "3000")] // quarterly is month × 3
    [InlineData(10000, 1, 0, BillingInterval.Month, 3, "3333.33")]
    [InlineData(30000, 1, 0, BillingInterval.Month, 6, "5000")]
    [InlineData(1000, 1, 0, BillingInterval.Week, 1, "4333.33")] // 52/12
    [InlineData(1000, 1, 0, BillingInterval.Week, 2, "2166.67")]
    [InlineData(100, 1, 0, BillingInterval.Day, 1, "3041.67")] // 365/12
    [InlineData(100, 3, 0, BillingInterval.Day, 7, "1303.57")]
    [InlineData(24000, 1, 0, BillingInterval.Year, 2, "1000")]
    [InlineData(2000, 1, 25, BillingInterval.Month, 1, "1500")]
    [InlineData(3000, 2, 12.5, BillingInterval.Month, 1, "5250")]
    [InlineData(120000, 1, 10, BillingInterval.Year, 1, "9000")]
    [InlineData(999, 3, 33.3, BillingInterval.Month, 1, "1999")] // 2997 × 0.667 = 1998.999
    [InlineData(5000, 1, 100, BillingInterval.Month, 1, "0")]
    [InlineData(0, 5, 0, BillingInterval.Month, 1, "0")]
    public void ItemMrr_NormalisesToOneMonth_RoundedToHundredthsOfAMinorUnit(
        long unit, int quantity, double discount, BillingInterval interval, int count, string expected)
    {
        var mrr = MrrMath.ItemMrr(unit, quantity, (decimal)discount, interval, count);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), mrr);
    }

    [Fact]
    public void ItemMrr_FromPriceTerms_MatchesTheFormula()
    {
        var terms = PriceTerms.Quarterly(new Money(4500, "USD"));

        Assert.Equal(3000m, MrrMath.ItemMrr(terms, quantity: 2));
    }

    [Theory]
    [InlineData(-1, 1, 0, 1)]
    [InlineData(100, -1, 0, 1)]
    [InlineData(100, 1, 101, 1)]
    [InlineData(100, 1, -5, 1)]
    [InlineData(100, 1, 0, 0)]
    public void ItemMrr_OutOfRange_Throws(long unit, int quantity, int discount, int count) =>
        Assert.Throws<DomainException>(() => MrrMath.ItemMrr(unit, quantity, discount, BillingInterval.Month, count));

    // METRICS.md §2: only active and past_due count.
    [Theory]
    [InlineData(SubscriptionStatus.Trialing, false)]
    [InlineData(SubscriptionStatus.Active, true)]
    [InlineData(SubscriptionStatus.PastDue, true)]
    [InlineData(SubscriptionStatus.Unpaid, false)]
    [InlineData(SubscriptionStatus.Paused, false)]
    [InlineData(SubscriptionStatus.Canceled, false)]
    [InlineData(SubscriptionStatus.Incomplete, false)]
    public void CountsTowardMrr_ByStatus(SubscriptionStatus status, bool counts) =>
        Assert.Equal(counts, MrrMath.CountsTowardMrr(status));
}
