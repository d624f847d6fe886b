namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// One customer's movement on one UTC day (METRICS.md §3): the end-of-day MRR against the previous end of day, with the
/// subscription changes of that day behind it.
/// </summary>
public sealed record MrrMovement(
    string CustomerId,
    DateOnly Day,
    MovementType Type,
    decimal MrrBefore,
    decimal MrrAfter,
    ExpansionBreakdown? ExpansionByCause,
    IReadOnlyList<AppliedMrrChange> Changes)
{
    /// <summary>The movement's size, always positive: after for new and reactivation, before for churn.</summary>
    public decimal Amount => Math.Abs(MrrAfter - MrrBefore);

    /// <summary>What the movement adds to total MRR (negative for contraction and churn).</summary>
    public decimal Signed => MrrAfter - MrrBefore;

    public YearMonth Month => YearMonth.Of(Day);

    public static MovementType? Classify(decimal before, decimal after, bool hadMrrBefore) =>
        before == after ? null
        : before == 0 ? (hadMrrBefore ? MovementType.Reactivation : MovementType.New)
        : after == 0 ? MovementType.Churn
        : after > before ? MovementType.Expansion
        : MovementType.Contraction;
}
