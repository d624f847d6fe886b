using System.Collections.Concurrent;

namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// Daily MRR movements per customer (METRICS.md §3), kept incrementally: <see cref="Append(SubscriptionMrrChange)"/>
/// as changes happen, or <see cref="Build"/> from the whole history. Both give the same movements.
/// </summary>
public sealed class MrrEngine
{
    private readonly Dictionary<string, CustomerLedger> customers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<CustomerLedger> Customers => customers.Values;

    public int ChangeCount { get; private set; }

    /// <summary>The latest change seen; appends earlier than this still work (that customer is replayed).</summary>
    public DateTimeOffset? LatestChangeAt { get; private set; }

    public CustomerLedger? Customer(string customerId) => customers.GetValueOrDefault(customerId);

    public void Append(SubscriptionMrrChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!customers.TryGetValue(change.CustomerId, out var ledger))
            customers.Add(change.CustomerId, ledger = new CustomerLedger(change.CustomerId));
        ledger.Append(change);
        ChangeCount++;
        if (LatestChangeAt is not { } latest || change.At > latest)
            LatestChangeAt = change.At;
    }

    /// <summary>
    /// Appends many changes: the same result as appending them one by one in this order. Customers are independent, so a
    /// large batch (a cold start folds every change there is) is split by customer and the ledgers fold in parallel.
    /// </summary>
    public void Append(IEnumerable<SubscriptionMrrChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes as IReadOnlyList<SubscriptionMrrChange> ?? changes.ToList();
        if (list.Count < ParallelThreshold)
        {
            foreach (var change in list)
                Append(change);
            return;
        }
        // Ledgers are created here, in order of first appearance, so the customers keep the order a one-by-one append gives.
        var batches = new Dictionary<CustomerLedger, List<SubscriptionMrrChange>>();
        foreach (var change in list)
        {
            ArgumentNullException.ThrowIfNull(change);
            if (!customers.TryGetValue(change.CustomerId, out var ledger))
                customers.Add(change.CustomerId, ledger = new CustomerLedger(change.CustomerId));
            if (!batches.TryGetValue(ledger, out var batch))
                batches.Add(ledger, batch = []);
            batch.Add(change);
            if (LatestChangeAt is not { } latest || change.At > latest)
                LatestChangeAt = change.At;
        }
        var work = batches.ToArray();
        Parallel.ForEach(Partitioner.Create(0, work.Length, Math.Max(1, work.Length / (Environment.ProcessorCount * 8))), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                foreach (var change in work[i].Value)
                    work[i].Key.Append(change);
        });
        ChangeCount += list.Count;
    }

    /// <summary>Below this many changes a batch is folded on the calling thread.</summary>
    private const int ParallelThreshold = 20_000;

    /// <summary>A full rebuild: sorts the history by time and sequence and folds it in one pass.</summary>
    public static MrrEngine Build(IEnumerable<SubscriptionMrrChange> changes)
    {
        var sorted = changes.ToArray();
        Array.Sort(sorted, SubscriptionMrrChange.Order);
        var engine = new MrrEngine();
        engine.Append(sorted);
        return engine;
    }

    /// <summary>Every movement, by day then customer.</summary>
    public IEnumerable<MrrMovement> Movements() =>
        customers.Values.SelectMany(c => c.Movements).OrderBy(m => m.Day).ThenBy(m => m.CustomerId, StringComparer.Ordinal);

    /// <summary>Total MRR at the end of <paramref name="day"/>.</summary>
    public decimal MrrAtEndOf(DateOnly day) => customers.Values.Sum(c => c.MrrAtEndOf(day));

    /// <summary>A new engine over the changes that pass <paramref name="filter"/> (a segment: a product kind, an interval ...).</summary>
    public MrrEngine Where(Func<SubscriptionMrrChange, bool> filter) =>
        Build(customers.Values.SelectMany(c => c.Changes).Where(filter));
}
