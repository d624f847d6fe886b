namespace MembershipPortal.Domain.Boxes;

/// <summary>
/// A skipped box is not charged. A monthly box renewal pays for the cycle its new period starts in, in the sense of
/// <see cref="BoxSchedule.CycleFor"/>: a member who joined on 23 November, after November's cut-off, paid for
/// December's box then, and the renewal on 23 December pays for January's. Each skip waives exactly one renewal: the one
/// paying for the skipped cycle while that renewal is still ahead; when the skipped cycle was already paid for, the next
/// renewal, so the money paid for the skipped box pays for the next one instead.
/// </summary>
public static class SkipCredit
{
    /// <summary>The cycle paid for by the renewal of a period starting at <paramref name="periodStart"/>.</summary>
    public static CycleKey CyclePaidBy(BoxSchedule schedule, DateTimeOffset periodStart) => schedule.CycleFor(periodStart);

    /// <summary>
    /// The skip used up by the renewal paying for <paramref name="paidCycle"/>: the oldest unused skip up to that cycle,
    /// or none when every unused skip is for a later cycle (those wait for their own renewal).
    /// </summary>
    public static CycleKey? SkipWaiving(CycleKey paidCycle, IEnumerable<CycleKey> unusedSkips)
    {
        CycleKey? oldest = null;
        foreach (var skip in unusedSkips)
            if (skip.CompareTo(paidCycle) <= 0 && (oldest is null || skip.CompareTo(oldest.Value) < 0))
                oldest = skip;
        return oldest;
    }
}
