using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Billing.SubscriptionStatus;
using static MembershipPortal.Domain.Billing.SubscriptionTrigger;

namespace MembershipPortal.Domain.Tests.Billing;

public class SubscriptionStateMachineTests
{
    /// <summary>The documented table, written out independently of the implementation.</summary>
    public static TheoryData<SubscriptionStatus, SubscriptionTrigger, SubscriptionStatus> AllowedTransitions => new()
    {
        { Incomplete, TrialStarted, Trialing },
        { Incomplete, PaymentSucceeded, Active },
        { Incomplete, PaymentFailed, Incomplete },
        { Incomplete, IncompleteExpired, SubscriptionStatus.Canceled },
        { Incomplete, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { Trialing, PaymentSucceeded, Active },
        { Trialing, PaymentFailed, PastDue },
        { Trialing, TrialEnded, SubscriptionStatus.Paused },
        { Trialing, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { Trialing, PeriodEndedAfterCancel, SubscriptionStatus.Canceled },
        { Active, PaymentSucceeded, Active },
        { Active, PaymentFailed, PastDue },
        { Active, SubscriptionTrigger.Paused, SubscriptionStatus.Paused },
        { Active, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { Active, PeriodEndedAfterCancel, SubscriptionStatus.Canceled },
        { PastDue, PaymentSucceeded, Active },
        { PastDue, PaymentFailed, PastDue },
        { PastDue, GracePeriodExpired, Unpaid },
        { PastDue, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { PastDue, PeriodEndedAfterCancel, SubscriptionStatus.Canceled },
        { Unpaid, PaymentSucceeded, Active },
        { Unpaid, PaymentFailed, Unpaid },
        { Unpaid, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { SubscriptionStatus.Paused, Resumed, Active },
        { SubscriptionStatus.Paused, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled },
        { SubscriptionStatus.Canceled, Reactivated, Active },
    };

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Next_AllowedTransition_ReturnsTargetStatus(SubscriptionStatus from, SubscriptionTrigger trigger, SubscriptionStatus expected)
    {
        Assert.True(SubscriptionStateMachine.IsAllowed(from, trigger));
        Assert.Equal(expected, SubscriptionStateMachine.Next(from, trigger));
    }

    [Fact]
    public void Transitions_Table_HasNoRowsBeyondTheDocumentedOnes()
    {
        var documented = AllowedTransitions.Select(row => ((SubscriptionStatus)row[0], (SubscriptionTrigger)row[1])).ToHashSet();

        Assert.Equal(documented.OrderBy(k => k), SubscriptionStateMachine.Transitions.Keys.OrderBy(k => k));
    }

    [Theory]
    [InlineData(SubscriptionStatus.Canceled, SubscriptionTrigger.Canceled)]
    [InlineData(SubscriptionStatus.Canceled, PaymentSucceeded)]
    [InlineData(Active, Resumed)]
    [InlineData(Active, Reactivated)]
    [InlineData(Active, GracePeriodExpired)]
    [InlineData(Trialing, TrialStarted)]
    [InlineData(SubscriptionStatus.Paused, PaymentSucceeded)]
    [InlineData(SubscriptionStatus.Paused, SubscriptionTrigger.Paused)]
    [InlineData(Unpaid, PeriodEndedAfterCancel)]
    [InlineData(Incomplete, Resumed)]
    public void Next_IllegalTransition_ThrowsDomainException(SubscriptionStatus from, SubscriptionTrigger trigger)
    {
        Assert.False(SubscriptionStateMachine.IsAllowed(from, trigger));
        Assert.Throws<DomainException>(() => SubscriptionStateMachine.Next(from, trigger));
    }

    [Theory]
    [InlineData(Active, Resumed, "Cannot resume an active subscription.")]
    [InlineData(PastDue, SubscriptionTrigger.Paused, "Cannot pause a past due subscription.")]
    public void Next_IllegalTransition_MessageNamesActionAndStatus(SubscriptionStatus from, SubscriptionTrigger trigger, string expected)
    {
        var ex = Assert.Throws<DomainException>(() => SubscriptionStateMachine.Next(from, trigger));

        Assert.Equal(expected, ex.Message);
    }

    // A canceled subscription is terminal except for a member coming back.
    [Fact]
    public void IsAllowed_FromCanceled_OnlyReactivation()
    {
        var allowed = Enum.GetValues<SubscriptionTrigger>().Where(t => SubscriptionStateMachine.IsAllowed(SubscriptionStatus.Canceled, t));

        Assert.Equal([Reactivated], allowed);
    }
}
