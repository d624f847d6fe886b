using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Courses;
using MembershipPortal.Domain.Entitlements;

namespace MembershipPortal.Domain.Tests.Courses;

public sealed class LessonAccessTests
{
    private static readonly DateTimeOffset Enrolled = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Pro = Guid.NewGuid();
    private static readonly AccessRule CourseRule = AccessRule.RequiresAnyOf(Pro);

    private static MemberAccessContext ProMember(SubscriptionStatus status = SubscriptionStatus.Active) =>
        MemberAccessContext.SignedIn([new SubscriptionAccess(status, new HashSet<Guid> { Pro }, Enrolled, Enrolled.AddYears(1))]);

    [Theory]
    [InlineData(7, -1, false)] // one second before day 7
    [InlineData(7, 0, true)]   // exactly on day 7
    [InlineData(7, 1, true)]
    [InlineData(0, 0, true)]
    public void Decide_DripDays_OpensOnTheDay(int days, int secondsFromOpening, bool allowed)
    {
        var now = Enrolled.AddDays(days).AddSeconds(secondsFromOpening);
        var decision = LessonAccess.Decide(CourseRule, ProMember(), new DripSchedule(days, null), Enrolled, now);
        Assert.Equal(allowed, decision.Allowed);
        if (!allowed)
            Assert.Equal(AccessReason.NotYetDripped, decision.Reason);
    }

    [Fact]
    public void Decide_DripDate_BothSet_LaterWins()
    {
        var date = Enrolled.AddDays(3);
        var drip = new DripSchedule(10, date);
        Assert.Equal(Enrolled.AddDays(10), drip.OpensAt(Enrolled));
        Assert.False(LessonAccess.Decide(CourseRule, ProMember(), drip, Enrolled, Enrolled.AddDays(5)).Allowed);
    }

    [Fact]
    public void Decide_CourseRuleDenies_ReportsTheRuleNotTheDrip()
    {
        var basic = MemberAccessContext.SignedIn([new SubscriptionAccess(SubscriptionStatus.Active, new HashSet<Guid> { Guid.NewGuid() }, Enrolled, Enrolled.AddYears(1))]);
        var decision = LessonAccess.Decide(CourseRule, basic, new DripSchedule(30, null), Enrolled, Enrolled);
        Assert.False(decision.Allowed);
        Assert.NotEqual(AccessReason.NotYetDripped, decision.Reason);
    }

    [Fact]
    public void Decide_Paused_DeniedEvenWhenDripped()
    {
        var decision = LessonAccess.Decide(CourseRule, ProMember(SubscriptionStatus.Paused), DripSchedule.None, Enrolled, Enrolled.AddDays(1));
        Assert.Equal(AccessDecision.Deny(AccessReason.Paused), decision);
    }

    [Fact]
    public void Decide_NotEnrolledYet_CountsFromNow()
    {
        var now = Enrolled.AddDays(100);
        Assert.False(LessonAccess.Decide(CourseRule, ProMember(), new DripSchedule(1, null), null, now).Allowed);
    }

    [Fact]
    public void DripSchedule_NegativeDays_Throws() =>
        Assert.Throws<DomainException>(() => new DripSchedule(-1, null).Validate());

    [Theory]
    [InlineData(0, 0, 0, false)]
    [InlineData(1, 3, 33, false)]
    [InlineData(3, 3, 100, true)]
    public void CourseProgress_PercentAndCompletion(int done, int total, int percent, bool complete)
    {
        var progress = new CourseProgress(done, total);
        Assert.Equal(percent, progress.Percent);
        Assert.Equal(complete, progress.IsComplete);
    }

    [Fact]
    public void CheapestUnlock_PicksLowestMonthlyEquivalentAndSkipsArchived()
    {
        var vip = Guid.NewGuid();
        var proMonthly = CatalogPrice.Create(Pro, new PriceTerms(new Money(1900, "USD"), BillingInterval.Month));
        var proYearly = CatalogPrice.Create(Pro, new PriceTerms(new Money(19000, "USD"), BillingInterval.Year));
        var vipMonthly = CatalogPrice.Create(vip, new PriceTerms(new Money(3900, "USD"), BillingInterval.Month));
        var cheapArchived = CatalogPrice.Create(Pro, new PriceTerms(new Money(100, "USD"), BillingInterval.Month));
        cheapArchived.Archive(Enrolled);

        var offer = Paywall.CheapestUnlock([Pro, vip], [vipMonthly, proMonthly, proYearly, cheapArchived]);

        Assert.NotNull(offer);
        Assert.Equal(proYearly.Id, offer.PriceId); // 190/12 < 19
        Assert.Null(Paywall.CheapestUnlock([Guid.NewGuid()], [proMonthly]));
    }
}
