namespace MembershipPortal.Domain.Boxes;

/// <summary>Where a one-time physical product bought with (or for) a subscription travels: in the cycle it waits for, with the subscription's parcel or on its own.</summary>
public sealed record OneTimeRoute(CycleKey Cycle, bool OnItsOwn);

/// <summary>
/// One-time physical products (a starter kit bought once with a membership, a back-issue box bought from the account): charged
/// once, when bought, and shipped once. When the subscription has a parcel (a box or a kit, <see cref="ShipmentPlan"/>) the
/// product rides in that parcel's next cycle still open (<see cref="OneTimeExtras"/>); otherwise it ships on its own, in a
/// parcel of its own generated on the product's own calendar, with every other one-time product of that subscription
/// waiting by then.
/// </summary>
public static class OneTimeGoods
{
    /// <param name="parcelSchedule">The calendar of the subscription's parcel (its box, else its kit); null when nothing else ships.</param>
    /// <param name="ownSchedule">The one-time product's own calendar.</param>
    public static OneTimeRoute Route(BoxSchedule? parcelSchedule, BoxSchedule ownSchedule, DateTimeOffset now) =>
        parcelSchedule is { } parcel ? new(parcel.CycleFor(now), false) : new(ownSchedule.CycleFor(now), true);
}
