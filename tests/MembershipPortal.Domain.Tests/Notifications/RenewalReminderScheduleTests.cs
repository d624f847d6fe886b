using System.Globalization;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Notifications;

namespace MembershipPortal.Domain.Tests.Notifications;

public class RenewalReminderScheduleTests
{
    private static readonly Money Price = new(1000, "USD");

    private static PriceTerms Terms(string cadence) => cadence switch
    {
        "monthly" => PriceTerms.Monthly(Price),
        "quarterly" => PriceTerms.Quarterly(Price),
        "yearly" => PriceTerms.Yearly(Price),
        "weekly" => new PriceTerms(Price, BillingInterval.Week),
        _ => throw new ArgumentOutOfRangeException(nameof(cadence)),
    };

    private static DateTimeOffset At(string day) =>
        DateTimeOffset.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddHours(9);

    /// <summary>(cadence, billing anchor, now) → the coming renewal and its reminders under the defaults (7 days; yearly 30 and 7).</summary>
    [Theory]
    [InlineData("monthly", "2027-01-15", "2027-03-01", "2027-03-15", "2027-03-08")]
    // month ends clamp from the anchor: Jan 31 renews Feb 28, then Mar 31 (not Mar 28)
    [InlineData("monthly", "2027-01-31", "2027-02-01", "2027-02-28", "2027-02-21")]
    [InlineData("monthly", "2027-01-31", "2027-03-01", "2027-03-31", "2027-03-24")]
    [InlineData("monthly", "2027-03-31", "2027-04-02", "2027-04-30", "2027-04-23")]
    // leap year: Jan 31 renews Feb 29, reminded Feb 22
    [InlineData("monthly", "2028-01-31", "2028-02-10", "2028-02-29", "2028-02-22")]
    // a reminder on Mar 1 for a renewal on Mar 8 crosses the leap day
    [InlineData("monthly", "2028-01-08", "2028-02-20", "2028-03-08", "2028-03-01")]
    [InlineData("quarterly", "2026-11-30", "2026-12-15", "2027-02-28", "2027-02-21")]
    [InlineData("quarterly", "2027-11-30", "2027-12-15", "2028-02-29", "2028-02-22")]
    [InlineData("quarterly", "2027-05-31", "2027-06-01", "2027-08-31", "2027-08-24")]
    [InlineData("yearly", "2026-06-10", "2027-01-01", "2027-06-10", "2027-05-11,2027-06-03")]
    // a yearly plan bought on Feb 29 renews on Feb 28 in common years; 30 days before crosses the month end
    [InlineData("yearly", "2024-02-29", "2025-01-15", "2025-02-28", "2025-01-29,2025-02-21")]
    [InlineData("yearly", "2024-02-29", "2028-01-15", "2028-02-29", "2028-01-30,2028-02-22")]
    [InlineData("yearly", "2027-03-01", "2027-05-01", "2028-03-01", "2028-01-31,2028-02-23")]
    // 7 days before a weekly renewal would fall on the previous renewal: no reminder
    [InlineData("weekly", "2027-01-04", "2027-01-05", "2027-01-11", "")]
    public void For_DefaultPolicy_RemindersBeforeNextRenewal(string cadence, string anchor, string now, string renewal, string reminders)
    {
        var result = RenewalReminderPolicy.Default.For(Terms(cadence), At(anchor), At(now));

        Assert.All(result, r => Assert.Equal(At(renewal), r.RenewalAt));
        var expected = reminders.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(At).ToList();
        Assert.Equal(expected, result.Select(r => r.At).ToList());
    }

    [Theory]
    [InlineData("2027-05-10", null)]
    [InlineData("2027-05-11", 30)]
    [InlineData("2027-06-02", 30)]
    [InlineData("2027-06-03", 7)]
    [InlineData("2027-06-09", 7)]
    public void Due_Yearly_LatestReminderWhoseTimeHasCome(string now, int? daysBefore)
    {
        var due = RenewalReminderPolicy.Default.Due(Terms("yearly"), At("2026-06-10"), At(now));
        Assert.Equal(daysBefore, due?.DaysBefore);
    }

    [Fact]
    public void Due_AtRenewal_MovesToTheNextPeriod()
    {
        // At the renewal instant the next period's reminders apply; none is due yet.
        Assert.Null(RenewalReminderPolicy.Default.Due(Terms("monthly"), At("2027-01-15"), At("2027-02-15")));
    }

    [Fact]
    public void DaysFor_ShortAndYearlyCadences()
    {
        var policy = new RenewalReminderPolicy([3, 10], [60]);
        Assert.Equal([10, 3], policy.DaysFor(Terms("monthly")));
        Assert.Equal([10, 3], policy.DaysFor(Terms("quarterly")));
        Assert.Equal([60], policy.DaysFor(Terms("yearly")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(91)]
    public void Create_DaysOutOfRange_Throws(int days)
    {
        Assert.Throws<DomainException>(() => new RenewalReminderPolicy([days], [30]));
    }
}
