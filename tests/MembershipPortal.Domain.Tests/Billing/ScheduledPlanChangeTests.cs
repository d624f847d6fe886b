using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Billing;

public class ScheduledPlanChangeTests
{
    private static readonly DateTimeOffset Now = Utc(2024, 1, 31, 9);

    private static Subscription StartActive(CatalogPrice price) =>
        Subscription.Start("member-1", [new NewSubscriptionItem(price, 1)], Now, paymentConfirmed: true);

    // A downgrade waits for the period end: nothing billed changes, nothing is recorded in the history yet.
    [Fact]
    public void SchedulePlanChange_Active_KeepsCurrentPlanAndRemembersTarget()
    {
        var subscription = StartActive(Monthly(2500));
        var basic = Monthly(900);
        var (version, history) = (subscription.Version, subscription.History.Count);

        subscription.SchedulePlanChange(subscription.Items[0].Id, basic);

        Assert.True(subscription.HasScheduledChange);
        Assert.Equal((subscription.Items[0].Id, basic.Id), (subscription.ScheduledItemId!.Value, subscription.ScheduledPriceId!.Value));
        Assert.Equal(2500, subscription.MonthlyRecurringMinor());
        Assert.Equal((version, history), (subscription.Version, subscription.History.Count));
    }

    [Fact]
    public void SchedulePlanChange_AgainWithAnotherPrice_ReplacesTheFirst()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900));
        var plus = Monthly(1500);

        subscription.SchedulePlanChange(subscription.Items[0].Id, plus);

        Assert.Equal(plus.Id, subscription.ScheduledPriceId);
    }

    [Fact]
    public void CancelScheduledChange_Scheduled_ClearsIt()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900));

        subscription.CancelScheduledChange();

        Assert.False(subscription.HasScheduledChange);
        Assert.Null(subscription.ScheduledItemId);
        Assert.Null(subscription.ScheduledPriceId);
    }

    [Fact]
    public void CancelScheduledChange_NothingScheduled_Throws()
    {
        var subscription = StartActive(Monthly(2500));

        var ex = Assert.Throws<DomainException>(subscription.CancelScheduledChange);
        Assert.Equal("No plan change is scheduled.", ex.Message);
    }

    [Fact]
    public void ApplyScheduledChange_AtRenewal_ChangesPlanAsOfPeriodEndAndClears()
    {
        var subscription = StartActive(Monthly(2500));
        var basic = Monthly(900);
        var periodEnd = subscription.CurrentPeriodEnd;
        subscription.SchedulePlanChange(subscription.Items[0].Id, basic);

        subscription.ApplyScheduledChange(basic);

        Assert.Equal(basic.Id, subscription.Items[0].PriceId);
        Assert.False(subscription.HasScheduledChange);
        var change = subscription.History[^1];
        Assert.Equal((SubscriptionChangeKind.PlanChanged, periodEnd, 2500L, 900L),
            (change.Kind, change.At, change.MrrBeforeMinor, change.MrrAfterMinor));
    }

    [Fact]
    public void ApplyScheduledChange_NothingScheduled_Throws()
    {
        var subscription = StartActive(Monthly(2500));

        Assert.Throws<DomainException>(() => subscription.ApplyScheduledChange(Monthly(900)));
    }

    [Fact]
    public void ApplyScheduledChange_AnotherPrice_ThrowsAndKeepsSchedule()
    {
        var subscription = StartActive(Monthly(2500));
        var basic = Monthly(900);
        subscription.SchedulePlanChange(subscription.Items[0].Id, basic);

        Assert.Throws<DomainException>(() => subscription.ApplyScheduledChange(Monthly(1500)));
        Assert.Equal(basic.Id, subscription.ScheduledPriceId);
        Assert.Equal(2500, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void ChangePlan_WhileScheduled_DropsTheSchedule()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900));

        subscription.ChangePlan(subscription.Items[0].Id, Monthly(4000), Now.AddDays(3));

        Assert.False(subscription.HasScheduledChange);
    }

    [Fact]
    public void ScheduleCancel_WhileScheduled_DropsTheSchedule()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900));

        subscription.ScheduleCancel("Too expensive", Now.AddDays(3));

        Assert.False(subscription.HasScheduledChange);
    }

    [Fact]
    public void SchedulePlanChange_SetToCancel_Throws()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.ScheduleCancel(null, Now);

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900)));
        Assert.False(subscription.HasScheduledChange);
    }

    [Fact]
    public void SchedulePlanChange_Canceled_Throws()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.CancelNow(Now.AddDays(1));

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900)));
    }

    [Fact]
    public void SchedulePlanChange_Paused_Throws()
    {
        var subscription = StartActive(Monthly(2500));
        subscription.Pause(Now.AddMonths(2), Now);

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, Monthly(900)));
    }

    [Fact]
    public void SchedulePlanChange_ArchivedPrice_Throws()
    {
        var subscription = StartActive(Monthly(2500));
        var retired = Monthly(900);
        retired.Archive(Now);

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, retired));
    }

    [Fact]
    public void SchedulePlanChange_CurrentPriceOrUnknownItem_Throws()
    {
        var current = Monthly(2500);
        var subscription = StartActive(current);

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, current));
        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(Guid.NewGuid(), Monthly(900)));
        Assert.False(subscription.HasScheduledChange);
    }

    [Fact]
    public void SchedulePlanChange_OtherCurrency_Throws()
    {
        var subscription = StartActive(Monthly(2500));
        var euro = Price(PriceTerms.Monthly(new Money(900, "EUR")));

        Assert.Throws<DomainException>(() => subscription.SchedulePlanChange(subscription.Items[0].Id, euro));
    }
}
