using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Boxes;

/// <summary>One item of a subscription as fulfilment sees it: what it is, whether it is mailed, and how many.</summary>
public sealed record PlanItem(Guid ProductId, ProductKind Kind, bool ShipsPhysically, int Quantity = 1)
{
    public bool IsBox => Kind == ProductKind.Box;

    /// <summary>
    /// A mailed add-on on the subscription (a craft kit): it ships every cycle with its subscription. (Subscription items
    /// recur; a one-time mailed add-on is a box extra, not an item.)
    /// </summary>
    public bool IsKit => Kind == ProductKind.AddOn && ShipsPhysically;

    public bool Ships => IsBox || IsKit;
}

/// <summary>A subscription at generation time: its items, status and dunning state, and what fulfilment already knows of it for the cycle.</summary>
public sealed record PlanSubscription(
    Guid Id, SubscriptionStatus Status, DateTimeOffset StartedAt, DateTimeOffset? FirstFailedPaymentAt, DateTimeOffset CurrentPeriodEnd,
    IReadOnlyList<PlanItem> Items, bool Skipped, bool HasAddress, bool AlreadyShipped);

/// <summary>The Owner's eligibility settings: ship to past-due members inside grace (off by default) and the dunning grace.</summary>
public sealed record EligibilityRules(bool ShipPastDueInGrace, int GraceDays);

public enum PlanOutcome { Ship, AlreadyThere, JoinedAfterCutoff, NotEligible, Skipped, NoAddress, ShipsWithAnotherProduct }

/// <summary>What generation does with one subscription: ship a parcel with <see cref="Lines"/>, or why not.</summary>
public sealed record PlannedParcel(Guid SubscriptionId, PlanOutcome Outcome, IReadOnlyList<PlanItem> Lines);

/// <summary>
/// Fulfilment is about items that ship, not about one product kind. A subscription's mailed items travel in one parcel per
/// cycle, on one calendar: the box's when it has a box (a kit on a box subscription goes in the box), otherwise its first
/// kit's (a membership or course with a kit gets one parcel per month; the cycle is the calendar month, the parent's
/// billing month, whatever the plan's interval). The parcel belongs to that product (<see cref="ParcelProduct"/>), so
/// generating it once per product and cycle reaches every subscription exactly once, and (subscription, cycle) stays unique.
/// Who gets a parcel is <see cref="BoxEligibility"/>, checked in the order the report counts them.
/// </summary>
public static class ShipmentPlan
{
    /// <summary>The product whose calendar and parcel carry this subscription's mailed items; null when nothing ships.</summary>
    public static Guid? ParcelProduct(IEnumerable<PlanItem> items)
    {
        var shipping = items.Where(i => i.Ships).ToList();
        return (shipping.FirstOrDefault(i => i.IsBox) ?? shipping.FirstOrDefault())?.ProductId;
    }

    /// <summary>The lines of the parcel: the box first, then every kit, in the subscription's order.</summary>
    public static IReadOnlyList<PlanItem> ParcelLines(IEnumerable<PlanItem> items)
    {
        var list = items.ToList();
        return [.. list.Where(i => i.IsBox), .. list.Where(i => i.IsKit)];
    }

    /// <summary>The calendar a subscription's parcel follows: its parcel product's schedule; null when nothing ships.</summary>
    public static BoxSchedule? CalendarOf(IEnumerable<PlanItem> items, Func<Guid, BoxSchedule> scheduleOfProduct) =>
        ParcelProduct(items) is { } product ? scheduleOfProduct(product) : null;

    /// <summary>Decides, for a closed cycle of <paramref name="productId"/>, each candidate's parcel or the reason it gets none.</summary>
    public static IReadOnlyList<PlannedParcel> Decide(Guid productId, DateTimeOffset cutoff, IEnumerable<PlanSubscription> subscriptions,
        EligibilityRules rules, DateTimeOffset now) =>
        subscriptions.Select(s => Decide(productId, cutoff, s, rules, now)).ToList();

    public static PlannedParcel Decide(Guid productId, DateTimeOffset cutoff, PlanSubscription sub, EligibilityRules rules, DateTimeOffset now)
    {
        PlannedParcel None(PlanOutcome outcome) => new(sub.Id, outcome, []);
        if (ParcelProduct(sub.Items) != productId)
            return None(PlanOutcome.ShipsWithAnotherProduct);
        if (sub.AlreadyShipped)
            return None(PlanOutcome.AlreadyThere);
        // A member who subscribed after the cut-off paid for the next cycle's parcel, not this one.
        if (sub.StartedAt >= cutoff)
            return None(PlanOutcome.JoinedAfterCutoff);
        if (!BoxEligibility.GetsABox(sub.Status, sub.FirstFailedPaymentAt, sub.CurrentPeriodEnd, rules.ShipPastDueInGrace, rules.GraceDays, now))
            return None(PlanOutcome.NotEligible);
        if (sub.Skipped)
            return None(PlanOutcome.Skipped);
        if (!sub.HasAddress)
            return None(PlanOutcome.NoAddress);
        return new PlannedParcel(sub.Id, PlanOutcome.Ship, ParcelLines(sub.Items));
    }
}
