namespace MembershipPortal.Domain.Billing;

/// <summary>Events that move a subscription between statuses; see <see cref="SubscriptionStateMachine"/>.</summary>
public enum SubscriptionTrigger
{
    /// <summary>An invoice was paid: first payment, trial conversion, renewal or recovery.</summary>
    PaymentSucceeded,

    /// <summary>A charge attempt failed.</summary>
    PaymentFailed,

    /// <summary>A new subscription begins with a free trial.</summary>
    TrialStarted,

    /// <summary>The trial ran out with no payment method on file (Stripe's missing_payment_method = pause).</summary>
    TrialEnded,

    /// <summary>Dunning gave up on a past-due subscription and marks it unpaid.</summary>
    GracePeriodExpired,

    /// <summary>The first payment never arrived (Stripe's incomplete_expired).</summary>
    IncompleteExpired,
    Paused,
    Resumed,

    /// <summary>Ended immediately, by the member, an admin, or dunning policy.</summary>
    Canceled,

    /// <summary>A cancellation scheduled for the period end took effect.</summary>
    PeriodEndedAfterCancel,

    /// <summary>A canceled member came back and paid.</summary>
    Reactivated,
}
