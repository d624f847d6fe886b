namespace MembershipPortal.Domain.Billing;

public enum SubscriptionChangeKind
{
    Created,

    /// <summary>A payment event, grace expiry, trial end or first-payment expiry moved the status.</summary>
    StatusChanged,

    /// <summary>A renewal payment rolled an active subscription into its next period.</summary>
    Renewed,

    /// <summary>A charge failed without changing the status (a retry while already past due).</summary>
    PaymentFailed,
    ItemAdded,
    ItemRemoved,

    /// <summary>An item was set to leave at the period end (MRR unchanged until <see cref="ItemRemoved"/>).</summary>
    ItemRemovalScheduled,
    ItemRemovalUndone,
    PlanChanged,
    QuantityChanged,
    CancelScheduled,
    CancelUndone,
    Canceled,
    Paused,
    Resumed,
    Reactivated,
}

/// <summary>
/// One entry of a subscription's history, with MRR before and after so metrics (new, expansion, contraction,
/// churn, reactivation) are a fold over history rather than a guess from current state.
/// </summary>
public sealed record SubscriptionChange(
    DateTimeOffset At,
    SubscriptionChangeKind Kind,
    SubscriptionStatus? FromStatus,
    SubscriptionStatus ToStatus,
    long MrrBeforeMinor,
    long MrrAfterMinor,
    string Detail)
{
    public long MrrDeltaMinor => MrrAfterMinor - MrrBeforeMinor;
}
