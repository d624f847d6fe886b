using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class SkipCreditTests
{
    private static readonly BoxSchedule Utc12 = new(12, 15, TimeZoneInfo.Utc);
    private static CycleKey C(string key) => CycleKey.Parse(key);

    [Theory]
    [InlineData("2026-11-23T12:00:00Z", "2026-12")] // joined after November's cut-off: pays for December
    [InlineData("2026-12-12T23:59:59Z", "2026-12")] // one second before the cut-off
    [InlineData("2026-12-13T00:00:00Z", "2027-01")] // at the cut-off
    [InlineData("2026-12-05T00:00:00Z", "2026-12")]
    public void CyclePaidBy_IsTheCycleTheNewPeriodStartsIn(string periodStart, string expected) =>
        Assert.Equal(C(expected), SkipCredit.CyclePaidBy(Utc12, DateTimeOffset.Parse(periodStart)));

    [Theory]
    [InlineData("2027-01", "2027-01", "2027-01")]          // the skipped cycle's own renewal
    [InlineData("2027-01", "2026-12", "2026-12")]          // skipped after it was paid: the next renewal
    [InlineData("2027-01", "2027-02", null)]               // a later skip waits for its renewal
    [InlineData("2027-01", "2027-01,2026-12", "2026-12")]  // the oldest first: each skip waives one renewal
    [InlineData("2027-01", "", null)]
    public void SkipWaiving_OldestUnusedUpToThePaidCycle(string paid, string skips, string? expected)
    {
        var unused = skips.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(C);
        Assert.Equal(expected is null ? null : C(expected), SkipCredit.SkipWaiving(C(paid), unused));
    }

    [Fact]
    public void RenewWithoutCharge_AtPeriodEnd_RollsThePeriodAndSaysWhy()
    {
        var start = Utc(2026, 11, 23, 12);
        var sub = Subscription.Start("member-1", [new NewSubscriptionItem(Monthly(2500))], start, paymentConfirmed: true);
        Assert.Throws<DomainException>(() => sub.RenewWithoutCharge(start.AddDays(1), "The December 2026 box was skipped"));

        sub.RenewWithoutCharge(Utc(2026, 12, 23, 12), "The December 2026 box was skipped");

        Assert.Equal((SubscriptionStatus.Active, Utc(2027, 1, 23, 12)), (sub.Status, sub.CurrentPeriodEnd));
        Assert.Equal(SubscriptionChangeKind.Renewed, sub.History[^1].Kind);
        Assert.Equal("The December 2026 box was skipped; nothing charged; renewed through 23 Jan 2027.", sub.History[^1].Detail);
    }
}

public sealed class BoxEligibilityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PeriodEnd = Now.AddDays(-3);

    [Theory]
    [InlineData(SubscriptionStatus.Active, false, null, true)]
    [InlineData(SubscriptionStatus.Trialing, false, null, true)]
    [InlineData(SubscriptionStatus.PastDue, false, 1, false)]     // the Owner's option is off by default
    [InlineData(SubscriptionStatus.PastDue, true, 1, true)]       // inside the 7-day grace
    [InlineData(SubscriptionStatus.PastDue, true, 7, false)]      // grace over at exactly 7 days
    [InlineData(SubscriptionStatus.PastDue, true, 13, false)]
    [InlineData(SubscriptionStatus.Unpaid, true, 1, false)]
    [InlineData(SubscriptionStatus.Paused, true, null, false)]
    [InlineData(SubscriptionStatus.Canceled, true, null, false)]
    [InlineData(SubscriptionStatus.Incomplete, true, null, false)]
    public void GetsABox_ByStatusGraceAndOption(SubscriptionStatus status, bool shipPastDue, int? failedDaysAgo, bool expected) =>
        Assert.Equal(expected, BoxEligibility.GetsABox(status, failedDaysAgo is { } d ? Now.AddDays(-d) : null, PeriodEnd, shipPastDue, 7, Now));

    [Fact]
    public void GetsABox_PastDueOneSecondBeforeGraceEnds_Yes_AtGraceEnd_No()
    {
        var failed = Now.AddDays(-7);
        Assert.True(BoxEligibility.GetsABox(SubscriptionStatus.PastDue, failed, PeriodEnd, true, 7, failed.AddDays(7).AddSeconds(-1)));
        Assert.False(BoxEligibility.GetsABox(SubscriptionStatus.PastDue, failed, PeriodEnd, true, 7, failed.AddDays(7)));
    }
}
