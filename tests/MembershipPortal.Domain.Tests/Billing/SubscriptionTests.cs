using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Billing;

public class SubscriptionTests
{
    private static readonly DateTimeOffset Now = Utc(2024, 1, 31, 9);

    private static Subscription StartActive(CatalogPrice price, int quantity = 1, Coupon? coupon = null, DateTimeOffset? at = null) =>
        Subscription.Start("member-1", [new NewSubscriptionItem(price, quantity)], at ?? Now, paymentConfirmed: true, coupon);

    [Fact]
    public void Start_PriceWithTrial_TrialingUntilTrialEndWithNoMrr()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000, trialDays: 14))], Now, paymentConfirmed: false);

        Assert.Equal(SubscriptionStatus.Trialing, subscription.Status);
        Assert.Equal(Now.AddDays(14), subscription.TrialEnd);
        Assert.Equal(Now.AddDays(14), subscription.CurrentPeriodEnd);
        Assert.Equal(0, subscription.MonthlyRecurringMinor());
        var created = Assert.Single(subscription.History);
        Assert.Equal((SubscriptionChangeKind.Created, (SubscriptionStatus?)null, SubscriptionStatus.Trialing),
            (created.Kind, created.FromStatus, created.ToStatus));
    }

    [Theory]
    [InlineData(true, SubscriptionStatus.Active, 1000)]
    [InlineData(false, SubscriptionStatus.Incomplete, 0)]
    public void Start_WithoutTrial_ActiveOnlyWhenPaymentConfirmed(bool paymentConfirmed, SubscriptionStatus expected, long expectedMrr)
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000))], Now, paymentConfirmed);

        Assert.Equal(expected, subscription.Status);
        Assert.Equal(Utc(2024, 2, 29, 9), subscription.CurrentPeriodEnd);
        Assert.Equal(expectedMrr, subscription.History.Single().MrrAfterMinor);
    }

    // An adopted Stripe subscription keeps Stripe's trial, not the catalog price's trial days.
    [Fact]
    public void Adopt_GatewayTrial_OverridesThePriceTrialDays()
    {
        var subscription = Subscription.Adopt("member-1", [new(Monthly(1000, trialDays: 14))], Now, Now.AddDays(30), paymentConfirmed: true);

        Assert.Equal(SubscriptionStatus.Trialing, subscription.Status);
        Assert.Equal(Now.AddDays(30), subscription.TrialEnd);
        Assert.Equal(Now, subscription.History.Single().At);
    }

    [Fact]
    public void Adopt_NoGatewayTrial_ActiveFromTheStartEvenOnATrialPriceOrArchivedPrice()
    {
        var price = Monthly(1000, trialDays: 14);
        price.Archive(Now);

        var subscription = Subscription.Adopt("member-1", [new(price)], Now.AddMonths(-6), trialEnd: null, paymentConfirmed: true);

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Null(subscription.TrialEnd);
        Assert.Equal(1000, subscription.History.Single().MrrAfterMinor);
    }

    [Fact]
    public void Adopt_TrialEndingBeforeTheStart_Throws() =>
        Assert.Throws<DomainException>(() => Subscription.Adopt("member-1", [new(Monthly(1000))], Now, Now.AddDays(-1), paymentConfirmed: true));

    [Fact]
    public void Start_ArchivedPrice_Throws()
    {
        var price = Monthly(1000);
        price.Archive(Now);

        Assert.Throws<DomainException>(() => StartActive(price));
    }

    // Stripe charged the member before the Owner archived the price: the ledger records the sale.
    [Fact]
    public void Start_ArchivedPriceSoldByGateway_StartsOnIt()
    {
        var price = Monthly(1000);
        price.Archive(Now);

        var subscription = Subscription.Start("member-1", [new NewSubscriptionItem(price, 1)], Now, paymentConfirmed: true, soldByGateway: true);

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(price.Id, subscription.Items.Single().PriceId);
    }

    [Fact]
    public void ChangePlanAndAddItem_ArchivedPriceSoldByGateway_Applied()
    {
        var subscription = StartActive(Monthly(1000));
        var retired = Monthly(2000);
        retired.Archive(Now);
        var addOn = Monthly(300);
        addOn.Archive(Now);

        subscription.ChangePlan(subscription.Items[0].Id, retired, Now.AddDays(1), soldByGateway: true);
        subscription.AddItem(addOn, 1, Now.AddDays(1), soldByGateway: true);

        Assert.Equal([retired.Id, addOn.Id], subscription.Items.Select(i => i.PriceId));
    }

    [Fact]
    public void Start_ItemsOnDifferentCadences_Throws()
    {
        var ex = Assert.Throws<DomainException>(() =>
            Subscription.Start("member-1", [new(Monthly(1000)), new(Yearly(5000))], Now, paymentConfirmed: true));

        Assert.Contains("same cadence", ex.Message);
    }

    [Fact]
    public void Start_SameProductTwice_Throws()
    {
        var product = Guid.NewGuid();

        Assert.Throws<DomainException>(() => Subscription.Start(
            "member-1", [new(Monthly(1000, productId: product)), new(Monthly(2000, productId: product))], Now, paymentConfirmed: true));
    }

    [Fact]
    public void Start_CouponForAnotherProduct_ThrowsWithCouponReason()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("BOX", 10, CouponDuration.Forever), productIds: [Guid.NewGuid()]);

        var ex = Assert.Throws<DomainException>(() => StartActive(Monthly(1000), coupon: coupon));

        Assert.Contains("does not apply", ex.Message);
    }

    // An amount-off coupon is taken once per invoice, not once per item.
    [Fact]
    public void Start_AmountOffCouponWithTwoItems_DiscountsFirstItemOnly()
    {
        var coupon = Coupon.Create(CouponTerms.Amount("FIVE", Usd(500), CouponDuration.Forever));

        var subscription = Subscription.Start("member-1", [new(Monthly(2000)), new(Monthly(1000))], Now, paymentConfirmed: true, coupon);

        Assert.Equal(["FIVE", null], subscription.Items.Select(i => i.CouponCode));
        Assert.Equal(2500, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void RecordPaymentSucceeded_AtTrialEnd_ActiveWithFirstPaidPeriodAnchoredOnTrialEnd()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000, trialDays: 14))], Now, paymentConfirmed: false);
        var trialEnd = subscription.TrialEnd!.Value;

        subscription.RecordPaymentSucceeded(trialEnd);

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(trialEnd, subscription.CurrentPeriodStart);
        Assert.Equal(trialEnd.AddMonths(1), subscription.CurrentPeriodEnd);
        Assert.Equal((0L, 1000L), (subscription.History[^1].MrrBeforeMinor, subscription.History[^1].MrrAfterMinor));
    }

    [Fact]
    public void RecordPaymentSucceeded_IncompleteWithinFirstPeriod_KeepsFirstPeriod()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000))], Now, paymentConfirmed: false);

        subscription.RecordPaymentSucceeded(Now.AddMinutes(5));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal((Now, Utc(2024, 2, 29, 9)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
    }

    // Monthly from Jan 31 renews on the last day of each shorter month and returns to the 31st.
    [Fact]
    public void RecordPaymentSucceeded_RenewalsFromJan31_FollowAnchoredMonthEnds()
    {
        var subscription = StartActive(Monthly(1000));

        subscription.RecordPaymentSucceeded(Utc(2024, 2, 29, 9));
        Assert.Equal((Utc(2024, 2, 29, 9), Utc(2024, 3, 31, 9)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));

        subscription.RecordPaymentSucceeded(Utc(2024, 3, 31, 9));
        Assert.Equal((Utc(2024, 3, 31, 9), Utc(2024, 4, 30, 9)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
        Assert.Equal(SubscriptionChangeKind.Renewed, subscription.History[^1].Kind);
    }

    [Fact]
    public void RecordPaymentSucceeded_ActiveAlreadyPaidThroughDate_Throws()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.RecordPaymentSucceeded(Now.AddDays(1), subscription.CurrentPeriodEnd));
    }

    [Fact]
    public void RecordPaymentFailed_Active_PastDueAndStartsGraceAtFirstFailure()
    {
        var subscription = StartActive(Monthly(1000));
        var firstFailure = subscription.CurrentPeriodEnd;

        subscription.RecordPaymentFailed(firstFailure);
        subscription.RecordPaymentFailed(firstFailure.AddDays(3));

        Assert.Equal(SubscriptionStatus.PastDue, subscription.Status);
        Assert.Equal(firstFailure, subscription.FirstFailedPaymentAt);
        Assert.Equal(2, subscription.FailedPaymentAttempts);
        Assert.Equal(
            [SubscriptionChangeKind.StatusChanged, SubscriptionChangeKind.PaymentFailed],
            subscription.History.Skip(1).Select(h => h.Kind));
    }

    [Fact]
    public void RecordPaymentSucceeded_PastDue_ActiveFromOldPeriodEndAndClearsFailures()
    {
        var subscription = StartActive(Monthly(1000));
        var renewalDue = subscription.CurrentPeriodEnd;
        subscription.RecordPaymentFailed(renewalDue);

        subscription.RecordPaymentSucceeded(renewalDue.AddDays(4));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal((renewalDue, Utc(2024, 3, 31, 9)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
        Assert.Null(subscription.FirstFailedPaymentAt);
        Assert.Equal(0, subscription.FailedPaymentAttempts);
    }

    [Theory]
    [InlineData(GraceExpiryAction.MarkUnpaid, SubscriptionStatus.Unpaid)]
    [InlineData(GraceExpiryAction.Cancel, SubscriptionStatus.Canceled)]
    public void ExpireGrace_PastDue_AppliesPolicyAndDropsMrr(GraceExpiryAction action, SubscriptionStatus expected)
    {
        var subscription = StartActive(Monthly(1000));
        var failedAt = subscription.CurrentPeriodEnd;
        subscription.RecordPaymentFailed(failedAt);

        subscription.ExpireGrace(failedAt.AddDays(7), action);

        Assert.Equal(expected, subscription.Status);
        Assert.Equal((1000L, 0L), (subscription.History[^1].MrrBeforeMinor, subscription.History[^1].MrrAfterMinor));
    }

    [Fact]
    public void ExpireGrace_Active_ThrowsAndLeavesStateUntouched()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.ExpireGrace(Now.AddDays(10), GraceExpiryAction.Cancel));
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(1, subscription.Version);
        Assert.Single(subscription.History);
    }

    [Fact]
    public void ScheduleCancel_Active_StaysActiveWithReasonAndUnchangedMrr()
    {
        var subscription = StartActive(Monthly(1000));

        subscription.ScheduleCancel("  too expensive ", Now.AddDays(3));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.True(subscription.CancelAtPeriodEnd);
        Assert.Equal("too expensive", subscription.CancelReason);
        var change = subscription.History[^1];
        Assert.Equal((SubscriptionChangeKind.CancelScheduled, 1000L, 1000L), (change.Kind, change.MrrBeforeMinor, change.MrrAfterMinor));
    }

    [Fact]
    public void ScheduleCancel_AlreadyScheduled_Throws()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.ScheduleCancel(null, Now);

        Assert.Throws<DomainException>(() => subscription.ScheduleCancel(null, Now));
    }

    [Fact]
    public void UndoCancel_BeforePeriodEnd_ClearsScheduleAndReason()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.ScheduleCancel("moving", Now);

        subscription.UndoCancel(subscription.CurrentPeriodEnd.AddSeconds(-1));

        Assert.False(subscription.CancelAtPeriodEnd);
        Assert.Null(subscription.CancelReason);
        Assert.Equal(SubscriptionChangeKind.CancelUndone, subscription.History[^1].Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void UndoCancel_AtOrAfterPeriodEnd_Throws(int secondsAfterEnd)
    {
        var subscription = StartActive(Monthly(1000));
        subscription.ScheduleCancel(null, Now);

        Assert.Throws<DomainException>(() => subscription.UndoCancel(subscription.CurrentPeriodEnd.AddSeconds(secondsAfterEnd)));
    }

    [Fact]
    public void EndPeriod_ScheduledCancel_CanceledAndRecordsChurn()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.ScheduleCancel(null, Now);
        var end = subscription.CurrentPeriodEnd;

        subscription.EndPeriod(end);

        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
        Assert.Equal(end, subscription.CanceledAt);
        Assert.False(subscription.CancelAtPeriodEnd);
        var change = subscription.History[^1];
        Assert.Equal((SubscriptionChangeKind.Canceled, -1000L), (change.Kind, change.MrrDeltaMinor));
    }

    [Fact]
    public void EndPeriod_NotScheduledToCancel_Throws()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.EndPeriod(subscription.CurrentPeriodEnd));
    }

    [Fact]
    public void EndPeriod_BeforePeriodEnd_Throws()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.ScheduleCancel(null, Now);

        Assert.Throws<DomainException>(() => subscription.EndPeriod(subscription.CurrentPeriodEnd.AddSeconds(-1)));
    }

    [Fact]
    public void CancelNow_Active_CanceledWithAccessEndingNow()
    {
        var subscription = StartActive(Monthly(1000));
        var cancelAt = Now.AddDays(10);

        subscription.CancelNow(cancelAt, "fraud");

        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
        Assert.Equal(cancelAt, subscription.CurrentPeriodEnd);
        Assert.Equal(("fraud", cancelAt), (subscription.CancelReason, subscription.CanceledAt));
    }

    [Fact]
    public void CancelNow_AlreadyCanceled_ThrowsTransitionMessage()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.CancelNow(Now);

        var ex = Assert.Throws<DomainException>(() => subscription.CancelNow(Now));

        Assert.Equal("Cannot cancel a canceled subscription.", ex.Message);
    }

    [Fact]
    public void ExpireIncomplete_Incomplete_Canceled()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000))], Now, paymentConfirmed: false);

        subscription.ExpireIncomplete(Now.AddHours(23));

        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
    }

    [Fact]
    public void Pause_Active_PausedUntilWithNoMrr()
    {
        var subscription = StartActive(Monthly(1000));

        subscription.Pause(Now.AddMonths(2), Now.AddDays(1));

        Assert.Equal(SubscriptionStatus.Paused, subscription.Status);
        Assert.Equal(Now.AddMonths(2), subscription.PausedUntil);
        Assert.Equal(0, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void Pause_UntilNotInFuture_Throws()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.Pause(Now, Now));
    }

    [Fact]
    public void Resume_BeforePeriodEnd_KeepsCurrentPeriod()
    {
        var subscription = StartActive(Monthly(1000));
        var periodEnd = subscription.CurrentPeriodEnd;
        subscription.Pause(Now.AddDays(20), Now.AddDays(1));

        subscription.Resume(Now.AddDays(5));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Null(subscription.PausedUntil);
        Assert.Equal(periodEnd, subscription.CurrentPeriodEnd);
    }

    [Fact]
    public void Resume_AfterPeriodEnd_StartsNewAnchoredPeriodNow()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.Pause(Now.AddMonths(3), Now.AddDays(1));
        var resumedAt = Utc(2024, 5, 10);

        subscription.Resume(resumedAt);

        Assert.Equal((resumedAt, resumedAt, Utc(2024, 6, 10)),
            (subscription.BillingCycleAnchor, subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
    }

    [Fact]
    public void EndTrialWithoutPaymentMethod_BeforeTrialEnd_Throws()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000, trialDays: 7))], Now, paymentConfirmed: false);

        Assert.Throws<DomainException>(() => subscription.EndTrialWithoutPaymentMethod(Now.AddDays(6)));
        subscription.EndTrialWithoutPaymentMethod(Now.AddDays(7));
        Assert.Equal(SubscriptionStatus.Paused, subscription.Status);
    }

    [Fact]
    public void Reactivate_Canceled_ActiveWithNewPeriodFromNow()
    {
        var price = Monthly(1000);
        var subscription = StartActive(price);
        subscription.CancelNow(Now.AddDays(2), "break");
        var back = Utc(2024, 6, 15);

        subscription.Reactivate(back, [price]);

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal((back, Utc(2024, 7, 15)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
        Assert.Null(subscription.CanceledAt);
        Assert.Null(subscription.CancelReason);
        Assert.Equal(SubscriptionChangeKind.Reactivated, subscription.History[^1].Kind);
    }

    // Coming back is a new purchase: an archived price cannot be rejoined.
    [Fact]
    public void Reactivate_ArchivedPrice_Throws()
    {
        var price = Monthly(1000);
        var subscription = StartActive(price);
        subscription.CancelNow(Now.AddDays(2));
        price.Archive(Now.AddDays(3));

        Assert.Throws<DomainException>(() => subscription.Reactivate(Now.AddDays(4), [price]));
        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
    }

    // Grandfathering: archiving stops new sales, never existing renewals at the stored terms.
    [Fact]
    public void RecordPaymentSucceeded_PriceArchivedAfterPurchase_RenewsAtStoredTerms()
    {
        var price = Monthly(1000);
        var subscription = StartActive(price);
        price.Archive(Now.AddDays(1));

        subscription.RecordPaymentSucceeded(subscription.CurrentPeriodEnd);

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(Usd(1000), subscription.Items.Single().Terms.Amount);
        Assert.Equal(1000, subscription.MonthlyRecurringMinor());
        Assert.Throws<DomainException>(() => StartActive(price));
    }

    [Fact]
    public void ChangePlan_ToArchivedPrice_Throws()
    {
        var subscription = StartActive(Monthly(1000));
        var retired = Monthly(2000);
        retired.Archive(Now);

        Assert.Throws<DomainException>(() => subscription.ChangePlan(subscription.Items[0].Id, retired, Now.AddDays(1)));
    }

    [Fact]
    public void ChangePlan_SameCadence_KeepsPeriodAndRecordsMrrChange()
    {
        var subscription = StartActive(Monthly(1000));
        var period = (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd);
        var premium = Monthly(2500);

        subscription.ChangePlan(subscription.Items[0].Id, premium, Now.AddDays(10));

        Assert.Equal(premium.Id, subscription.Items[0].PriceId);
        Assert.Equal(period, (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
        var change = subscription.History[^1];
        Assert.Equal((SubscriptionChangeKind.PlanChanged, 1000L, 2500L), (change.Kind, change.MrrBeforeMinor, change.MrrAfterMinor));
    }

    [Fact]
    public void ChangePlan_MonthlyToYearly_StartsNewYearlyPeriodNow()
    {
        var subscription = StartActive(Monthly(1000));
        var switchAt = Now.AddDays(10);

        subscription.ChangePlan(subscription.Items[0].Id, Yearly(10200), switchAt);

        Assert.Equal((switchAt, switchAt.AddYears(1)), (subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
        Assert.Equal(850, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void AddItem_DifferentCadence_Throws()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.AddItem(Yearly(5000), 1, Now));
    }

    [Fact]
    public void AddItem_SameCadence_AddsItemAndRaisesMrr()
    {
        var subscription = StartActive(Monthly(1000));

        var item = subscription.AddItem(Monthly(300), 2, Now.AddDays(1));

        Assert.Contains(item, subscription.Items);
        Assert.Equal(1600, subscription.MonthlyRecurringMinor());
        Assert.Equal(SubscriptionChangeKind.ItemAdded, subscription.History[^1].Kind);
    }

    [Fact]
    public void RemoveItem_LastItem_Throws()
    {
        var subscription = StartActive(Monthly(1000));

        Assert.Throws<DomainException>(() => subscription.RemoveItem(subscription.Items[0].Id, Now));
    }

    [Fact]
    public void RemoveItem_AddOn_RemovesItAndLowersMrr()
    {
        var subscription = StartActive(Monthly(1000));
        var addOn = subscription.AddItem(Monthly(300), 1, Now);

        subscription.RemoveItem(addOn.Id, Now.AddDays(1));

        Assert.Single(subscription.Items);
        Assert.Equal(-300, subscription.History[^1].MrrDeltaMinor);
    }

    // A kit removed by the member leaves at the period end: charged and shipped until then, the membership goes on.
    [Fact]
    public void ScheduleItemRemoval_KitStaysUntilThePeriodEnd_ThenLeaves_MrrDropsOnlyThen()
    {
        var subscription = StartActive(Monthly(1000));
        var kit = subscription.AddItem(Monthly(1200), 1, Now);
        var end = subscription.CurrentPeriodEnd;

        subscription.ScheduleItemRemoval(kit.Id, Now.AddDays(1));
        var early = subscription.ApplyScheduledRemovals(end.AddMinutes(-1));

        Assert.Empty(early);
        Assert.Equal(2, subscription.Items.Count);
        Assert.True(kit.EndsAtPeriodEnd);
        Assert.Equal(0, subscription.History[^1].MrrDeltaMinor);
        var removed = Assert.Single(subscription.ApplyScheduledRemovals(end));
        Assert.Equal(kit.Id, removed.Id);
        Assert.Single(subscription.Items);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal((SubscriptionChangeKind.ItemRemoved, -1200L), (subscription.History[^1].Kind, subscription.History[^1].MrrDeltaMinor));
    }

    [Fact]
    public void ScheduleItemRemoval_LastItemTwiceOrCancelling_Throws_UndoKeepsIt()
    {
        var subscription = StartActive(Monthly(1000));
        var kit = subscription.AddItem(Monthly(1200), 1, Now);
        var main = subscription.Items[0];

        subscription.ScheduleItemRemoval(kit.Id, Now);

        Assert.Throws<DomainException>(() => subscription.ScheduleItemRemoval(kit.Id, Now));
        Assert.Throws<DomainException>(() => subscription.ScheduleItemRemoval(main.Id, Now)); // nothing would be left
        Assert.Throws<DomainException>(() => subscription.RemoveItem(main.Id, Now));
        subscription.UndoItemRemoval(kit.Id, Now.AddDays(2));
        Assert.False(kit.EndsAtPeriodEnd);
        Assert.Empty(subscription.ApplyScheduledRemovals(subscription.CurrentPeriodEnd));
        Assert.Throws<DomainException>(() => subscription.UndoItemRemoval(kit.Id, Now));
        subscription.ScheduleCancel(null, Now);
        Assert.Throws<DomainException>(() => subscription.ScheduleItemRemoval(kit.Id, Now));
    }

    [Fact]
    public void UndoItemRemoval_AfterThePeriodEnd_Throws()
    {
        var subscription = StartActive(Monthly(1000));
        var kit = subscription.AddItem(Monthly(1200), 1, Now);
        subscription.ScheduleItemRemoval(kit.Id, Now);

        Assert.Throws<DomainException>(() => subscription.UndoItemRemoval(kit.Id, subscription.CurrentPeriodEnd));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ChangeQuantity_ZeroOrUnchanged_Throws(int quantity)
    {
        var subscription = StartActive(Monthly(1000), quantity: 2);

        Assert.Throws<DomainException>(() => subscription.ChangeQuantity(subscription.Items[0].Id, quantity, Now));
    }

    [Fact]
    public void ChangeQuantity_PastDue_ThrowsItemsNotEditable()
    {
        var subscription = StartActive(Monthly(1000));
        subscription.RecordPaymentFailed(subscription.CurrentPeriodEnd);

        var ex = Assert.Throws<DomainException>(() => subscription.ChangeQuantity(subscription.Items[0].Id, 3, Now));

        Assert.Equal("Cannot change the items of a past due subscription.", ex.Message);
    }

    [Fact]
    public void Changes_EachSuccessfulChange_BumpsVersionAndUpdatedAt()
    {
        var subscription = StartActive(Monthly(1000));
        var later = Now.AddDays(2);

        subscription.ChangeQuantity(subscription.Items[0].Id, 3, later);

        Assert.Equal(2, subscription.Version);
        Assert.Equal(later, subscription.UpdatedAt);
        Assert.Equal(2, subscription.History.Count);
    }

    [Theory]
    [InlineData(12000, BillingInterval.Year, 1, 1, 1000)]
    [InlineData(9999, BillingInterval.Year, 1, 1, 833)] // 833.25
    [InlineData(3000, BillingInterval.Month, 3, 2, 2000)] // quarterly × 2
    [InlineData(1000, BillingInterval.Week, 1, 1, 4333)] // × 52 / 12
    public void MonthlyRecurringMinor_AnyCadence_NormalisedAndRoundedAtTheEnd(
        long amount, BillingInterval interval, int count, int quantity, long expected)
    {
        var subscription = StartActive(Price(new PriceTerms(Usd(amount), interval, count)), quantity);

        Assert.Equal(expected, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void MonthlyRecurringMinor_TwoWeeklyItems_RoundsTheSumNotEachItem()
    {
        var subscription = Subscription.Start("member-1",
            [new(Price(new PriceTerms(Usd(1000), BillingInterval.Week))), new(Price(new PriceTerms(Usd(1000), BillingInterval.Week)))],
            Now, paymentConfirmed: true);

        // 4333.33 + 4333.33 = 8666.67 → 8667; rounding each item first would give 8666.
        Assert.Equal(8667, subscription.MonthlyRecurringMinor());
    }

    [Theory]
    [InlineData(CouponDuration.Forever, 800)]
    [InlineData(CouponDuration.Once, 1000)] // a one-off discount is not recurring revenue
    public void MonthlyRecurringMinor_WithCoupon_CountsOnlyRecurringDiscounts(CouponDuration duration, long expected)
    {
        var coupon = Coupon.Create(CouponTerms.Percent("TWENTY", 20, duration));

        var subscription = StartActive(Monthly(1000), coupon: coupon);

        Assert.Equal(expected, subscription.MonthlyRecurringMinor());
    }

    [Fact]
    public void MonthlyRecurringMinor_RepeatingCoupon_EndsWhenDurationRunsOut()
    {
        var coupon = Coupon.Create(CouponTerms.Percent("HALF", 50, CouponDuration.Repeating, 2));
        var subscription = StartActive(Monthly(1000), coupon: coupon, at: Utc(2024, 1, 10));

        subscription.RecordPaymentSucceeded(Utc(2024, 2, 10));
        Assert.Equal(500, subscription.MonthlyRecurringMinor());

        subscription.RecordPaymentSucceeded(Utc(2024, 3, 10));
        Assert.Equal(1000, subscription.MonthlyRecurringMinor());
        Assert.Equal(500, subscription.History[^1].MrrDeltaMinor);
    }
}
