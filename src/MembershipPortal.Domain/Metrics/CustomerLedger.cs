namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// One customer's MRR over time: the subscription changes in order, the end-of-day MRR of every day that had a change,
/// and the movements. Changes are appended as they happen; the last day stays open (re-netted on each change) until a
/// change on a later day arrives. A change older than the last one replays the customer from the start, so any append
/// order gives the same result as a rebuild from sorted history.
/// </summary>
public sealed class CustomerLedger
{
    private readonly List<SubscriptionMrrChange> changes = [];
    private readonly List<MrrMovement> movements = [];
    private readonly List<(DateOnly Day, decimal Mrr)> days = [];
    private readonly Dictionary<string, decimal> subscriptions = new(StringComparer.Ordinal);
    private readonly decimal[] openNetByCause = new decimal[5];
    private List<AppliedMrrChange> openChanges = [];
    private DateOnly? openDay;
    private decimal openDayStartMrr;
    private bool paidBeforeOpenDay;
    private bool openDayHasMovement;

    public CustomerLedger(string customerId) => CustomerId = customerId;

    public string CustomerId { get; }

    /// <summary>MRR after the last change.</summary>
    public decimal CurrentMrr { get; private set; }

    public IReadOnlyList<SubscriptionMrrChange> Changes => changes;

    public IReadOnlyList<MrrMovement> Movements => movements;

    /// <summary>Subscription id → its MRR after the last change.</summary>
    public IReadOnlyDictionary<string, decimal> SubscriptionMrr => subscriptions;

    /// <summary>The first day that ended with MRR &gt; 0 (the day of the new movement): the customer's signup for cohorts.</summary>
    public DateOnly? FirstPaidDay => movements.Count > 0 ? movements[0].Day : null;

    /// <summary>The customer's MRR at the end of <paramref name="day"/>.</summary>
    public decimal MrrAtEndOf(DateOnly day)
    {
        int lo = 0, hi = days.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (days[mid].Day <= day)
            { found = mid; lo = mid + 1; }
            else
                hi = mid - 1;
        }
        return found < 0 ? 0 : days[found].Mrr;
    }

    /// <summary>End-of-day MRR of every day with a change, in day order.</summary>
    public IReadOnlyList<(DateOnly Day, decimal Mrr)> EndOfDayMrr => days;

    internal void Append(SubscriptionMrrChange change)
    {
        if (changes.Count > 0 && SubscriptionMrrChange.Compare(change, changes[^1]) < 0)
        {
            var at = changes.BinarySearch(change, SubscriptionMrrChange.Order);
            if (at < 0)
                at = ~at;
            while (at < changes.Count && SubscriptionMrrChange.Compare(changes[at], change) == 0)
                at++;
            changes.Insert(at, change);
            Replay();
            return;
        }
        changes.Add(change);
        Apply(change);
    }

    private void Replay()
    {
        movements.Clear();
        days.Clear();
        subscriptions.Clear();
        Array.Clear(openNetByCause);
        openChanges = [];
        openDay = null;
        openDayStartMrr = 0;
        paidBeforeOpenDay = false;
        openDayHasMovement = false;
        CurrentMrr = 0;
        foreach (var change in changes)
            Apply(change);
    }

    private void Apply(SubscriptionMrrChange change)
    {
        var day = change.Day;
        if (openDay != day)
        {
            if (openDay is not null)
                paidBeforeOpenDay |= CurrentMrr > 0;
            openDay = day;
            openDayStartMrr = CurrentMrr;
            openChanges = [];
            Array.Clear(openNetByCause);
            openDayHasMovement = false;
            days.Add((day, CurrentMrr));
        }

        var before = subscriptions.GetValueOrDefault(change.SubscriptionId);
        var delta = change.MrrAfter - before;
        subscriptions[change.SubscriptionId] = change.MrrAfter;
        CurrentMrr += delta;
        openNetByCause[(int)change.Reason.ToExpansionCause()] += delta;
        openChanges.Add(new AppliedMrrChange(change, before));

        days[^1] = (day, CurrentMrr);
        if (openDayHasMovement)
            movements.RemoveAt(movements.Count - 1);
        var type = MrrMovement.Classify(openDayStartMrr, CurrentMrr, paidBeforeOpenDay);
        openDayHasMovement = type is not null;
        if (type is { } t)
            movements.Add(new MrrMovement(CustomerId, day, t, openDayStartMrr, CurrentMrr,
                t == MovementType.Expansion ? ExpansionBreakdown.Allocate(openNetByCause) : null, openChanges));
    }
}
