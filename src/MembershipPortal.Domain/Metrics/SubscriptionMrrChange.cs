using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// The engine's one input: subscription <see cref="SubscriptionId"/> of customer <see cref="CustomerId"/> has
/// <see cref="MrrAfter"/> MRR (decimal minor units, two decimals) from <see cref="At"/> on. Live history and imported
/// history are both turned into these. <see cref="Sequence"/> orders changes at the same instant (history row id,
/// file line).
/// </summary>
public sealed record SubscriptionMrrChange
{
    public SubscriptionMrrChange(string customerId, string subscriptionId, DateTimeOffset at, long sequence, decimal mrrAfter,
        MrrChangeReason reason = MrrChangeReason.Other, string? detail = null)
    {
        if (string.IsNullOrEmpty(customerId))
            throw new DomainException("A change needs a customer.");
        if (string.IsNullOrEmpty(subscriptionId))
            throw new DomainException("A change needs a subscription.");
        if (mrrAfter < 0)
            throw new DomainException($"MRR cannot be negative ({mrrAfter}).");
        if (MrrMath.Round(mrrAfter) != mrrAfter)
            throw new DomainException($"MRR is kept to {MrrMath.Decimals} decimals of the minor unit; {mrrAfter} has more.");
        CustomerId = customerId;
        SubscriptionId = subscriptionId;
        At = at;
        Sequence = sequence;
        MrrAfter = mrrAfter;
        Reason = reason;
        Detail = detail;
    }

    public string CustomerId { get; }
    public string SubscriptionId { get; }
    public DateTimeOffset At { get; }
    public long Sequence { get; }
    public decimal MrrAfter { get; }
    public MrrChangeReason Reason { get; }
    public string? Detail { get; }

    /// <summary>The UTC day the change belongs to; changes within one day are netted.</summary>
    public DateOnly Day => DateOnly.FromDateTime(At.UtcDateTime);

    /// <summary>Time order, then sequence: the order every fold over changes uses.</summary>
    public static int Compare(SubscriptionMrrChange a, SubscriptionMrrChange b)
    {
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime : a.Sequence.CompareTo(b.Sequence);
    }

    public static readonly IComparer<SubscriptionMrrChange> Order = Comparer<SubscriptionMrrChange>.Create(Compare);
}

/// <summary>A change as the engine applied it: with the subscription's MRR just before.</summary>
public sealed record AppliedMrrChange(SubscriptionMrrChange Change, decimal MrrBefore)
{
    public decimal Delta => Change.MrrAfter - MrrBefore;
}
