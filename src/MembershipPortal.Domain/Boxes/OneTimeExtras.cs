namespace MembershipPortal.Domain.Boxes;

/// <summary>A one-time extra waiting for a box: the cycle it was added for, and the shipment that carried it (once it has).</summary>
public sealed record PendingExtra(Guid Id, CycleKey Cycle, Guid? ShipmentId);

/// <summary>
/// One-time extras ("add a mug to my next box"). An extra added before a cycle's cut-off goes into that cycle's box;
/// after the cut-off, into the next cycle's. It travels in exactly one shipment: the first box generated for its cycle or
/// a later one (when that cycle's box was skipped or paused, the extra rides in the next box actually sent). Until its
/// cycle's cut-off the member may take it off again.
/// </summary>
public static class OneTimeExtras
{
    /// <summary>The cycle an extra added at <paramref name="now"/> goes into: the next cycle not yet cut off.</summary>
    public static CycleKey TargetCycle(BoxSchedule schedule, DateTimeOffset now) => schedule.CycleFor(now);

    /// <summary>Whether the member can still remove an extra meant for <paramref name="cycle"/>.</summary>
    public static bool CanRemove(BoxSchedule schedule, CycleKey cycle, DateTimeOffset now) => schedule.IsOpen(cycle, now);

    /// <summary>The extras a shipment for <paramref name="cycle"/> carries: not yet shipped, meant for this cycle or an earlier one.</summary>
    public static IReadOnlyList<PendingExtra> CarriedBy(CycleKey cycle, IEnumerable<PendingExtra> extras) =>
        [.. extras.Where(e => e.ShipmentId is null && e.Cycle.CompareTo(cycle) <= 0)];

    /// <summary>Marks the carried extras as travelling in <paramref name="shipmentId"/>; an extra already in a shipment cannot move.</summary>
    public static IReadOnlyList<PendingExtra> Consume(CycleKey cycle, Guid shipmentId, IEnumerable<PendingExtra> extras)
    {
        var carried = CarriedBy(cycle, extras).Select(e => e.Id).ToHashSet();
        return [.. extras.Select(e => carried.Contains(e.Id) ? e with { ShipmentId = shipmentId } : e)];
    }
}
