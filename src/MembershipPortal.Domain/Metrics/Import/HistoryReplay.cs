using System.Globalization;
using MembershipPortal.Domain.Billing;

namespace MembershipPortal.Domain.Metrics.Import;

/// <summary>How replayed history is labelled for the engine.</summary>
public sealed record HistoryReplayOptions
{
    /// <summary>Whether an item is an add-on (a new add-on subscription is expansion by add-on, not cross-sell).</summary>
    public Func<HistoryItem, bool> IsAddOn { get; init; } = _ => false;

    /// <summary>The engine's customer id for a file's customer_id (the portal member it maps to).</summary>
    public Func<string, string> CustomerKey { get; init; } = id => id;

    /// <summary>Put before subscription ids so imported ones never collide with the portal's own.</summary>
    public string SubscriptionPrefix { get; init; } = "";

    public static readonly HistoryReplayOptions Default = new();
}

/// <summary>Where an imported subscription ended up after its last event.</summary>
public sealed record ReplayedSubscription(
    string SubscriptionId, string CustomerId, SubscriptionStatus Status, HistoryItem Item, DateTimeOffset LastEventAt,
    DateTimeOffset? TrialStartedAt, DateTimeOffset? ConvertedAt);

public sealed record HistoryReplayResult(
    IReadOnlyList<SubscriptionMrrChange> Changes,
    IReadOnlyList<ImportProblem> Problems,
    IReadOnlyList<ReplayedSubscription> Subscriptions)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Replays §5 events per subscription, in time order then file order, through the status rules of §2 and turns them
/// into the engine's <see cref="SubscriptionMrrChange"/>s. An event that does not fit the subscription's state (an
/// event for a subscription that never started, a resume that was not paused ...) is a problem on that event's line.
/// </summary>
public static class HistoryReplay
{
    public static HistoryReplayResult Replay(IEnumerable<HistoryEvent> events, HistoryReplayOptions? options = null)
    {
        options ??= HistoryReplayOptions.Default;
        var ordered = events.ToArray();
        Array.Sort(ordered, (a, b) =>
        {
            var byTime = a.OccurredAt.UtcTicks.CompareTo(b.OccurredAt.UtcTicks);
            return byTime != 0 ? byTime : a.Sequence.CompareTo(b.Sequence);
        });

        var changes = new List<SubscriptionMrrChange>();
        var problems = new List<ImportProblem>();
        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        var badSubscriptions = new HashSet<string>(StringComparer.Ordinal);

        foreach (var e in ordered)
        {
            if (badSubscriptions.Contains(e.SubscriptionId))
                continue;
            states.TryGetValue(e.SubscriptionId, out var state);

            string? problem = null;
            if (emails.TryGetValue(e.CustomerId, out var email) && !string.Equals(email, e.CustomerEmail, StringComparison.OrdinalIgnoreCase))
                problem = $"customer {e.CustomerId} has the e-mail {email} elsewhere, not {e.CustomerEmail}";
            else if (state is not null && state.CustomerId != e.CustomerId)
                problem = $"subscription {e.SubscriptionId} belongs to customer {state.CustomerId}, not {e.CustomerId}";
            else
                problem = Step(e, ref state, options, changes);

            if (problem is not null)
            {
                // Later events of a subscription that is already wrong would only repeat the same mistake.
                badSubscriptions.Add(e.SubscriptionId);
                var line = e.Line > 0 ? e.Line : state?.LastNewLine ?? 0;
                problems.Add(new ImportProblem(line, e.Line > 0 ? problem
                    : $"conflicts with history imported before: {problem} ({Instant(e.OccurredAt)})"));
                continue;
            }
            emails.TryAdd(e.CustomerId, e.CustomerEmail);
            if (e.Line > 0)
                state!.LastNewLine = e.Line;
            states[e.SubscriptionId] = state!;
        }

        problems.Sort((a, b) => a.Line.CompareTo(b.Line));
        var subscriptions = states.Values
            .Select(s => new ReplayedSubscription(options.SubscriptionPrefix + s.SubscriptionId, options.CustomerKey(s.CustomerId), s.Status, s.Item,
                s.LastEventAt, s.TrialStartedAt, s.ConvertedAt))
            .ToList();
        // Changes of the subscriptions that replayed cleanly; an import refuses the whole file when there is any problem.
        return new HistoryReplayResult(changes.Where(c => !badSubscriptions.Contains(c.SubscriptionId[options.SubscriptionPrefix.Length..])).ToList(), problems, subscriptions);
    }

    private sealed class State(string subscriptionId, string customerId, HistoryItem item)
    {
        public string SubscriptionId { get; } = subscriptionId;
        public string CustomerId { get; } = customerId;
        public SubscriptionStatus Status { get; set; } = SubscriptionStatus.Incomplete;
        public HistoryItem Item { get; set; } = item;
        public string? ItemDescription { get; set; }
        public decimal Mrr { get; set; }
        public DateTimeOffset LastEventAt { get; set; }
        public DateTimeOffset? TrialStartedAt { get; set; }
        public DateTimeOffset? ConvertedAt { get; set; }
        public int? LastNewLine { get; set; }
    }

    /// <summary>Applies one event; returns why it cannot apply, or null.</summary>
    private static string? Step(HistoryEvent e, ref State? state, HistoryReplayOptions options, List<SubscriptionMrrChange> changes)
    {
        var from = state?.Status;
        var name = e.Type.ToName();
        if (state is null && e.Type is not (HistoryEventType.Start or HistoryEventType.TrialStart))
            return $"{name} for subscription {e.SubscriptionId}, which has no start or trial_start before it";

        SubscriptionStatus to;
        var reason = MrrChangeReason.Other;
        var item = state?.Item;
        switch (e.Type)
        {
            case HistoryEventType.TrialStart when from is null or SubscriptionStatus.Canceled:
                to = SubscriptionStatus.Trialing;
                item = e.Item;
                reason = Subscribed(e.Item!, options);
                break;
            case HistoryEventType.Start when from is null or SubscriptionStatus.Trialing or SubscriptionStatus.Canceled:
                to = SubscriptionStatus.Active;
                item = e.Item;
                reason = Subscribed(e.Item!, options);
                break;
            case HistoryEventType.Change when from is not SubscriptionStatus.Canceled:
                to = from!.Value;
                reason = e.Item!.SamePlanAs(item!)
                    ? e.Item.Quantity != item!.Quantity ? MrrChangeReason.Quantity : MrrChangeReason.Other
                    : MrrChangeReason.PlanChange;
                item = e.Item;
                break;
            case HistoryEventType.PastDue when from is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Trialing:
                to = SubscriptionStatus.PastDue;
                break;
            case HistoryEventType.Unpaid when from is SubscriptionStatus.PastDue:
                to = SubscriptionStatus.Unpaid;
                break;
            case HistoryEventType.Recover when from is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid:
                to = SubscriptionStatus.Active;
                reason = MrrChangeReason.Recovery;
                break;
            case HistoryEventType.Pause when from is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Trialing:
                to = SubscriptionStatus.Paused;
                break;
            case HistoryEventType.Resume when from is SubscriptionStatus.Paused:
                to = SubscriptionStatus.Active;
                break;
            case HistoryEventType.Cancel when from is not SubscriptionStatus.Canceled:
                to = SubscriptionStatus.Canceled;
                break;
            default:
                return $"cannot {name} subscription {e.SubscriptionId}: it is {Describe(from!.Value)} since {Instant(state!.LastEventAt)}";
        }

        state ??= new State(e.SubscriptionId, e.CustomerId, item!);
        if (e.Type == HistoryEventType.TrialStart)
            (state.TrialStartedAt, state.ConvertedAt) = (e.OccurredAt, null);
        if (e.Type == HistoryEventType.Start && from == SubscriptionStatus.Trialing)
            state.ConvertedAt = e.OccurredAt;
        state.Status = to;
        if (!ReferenceEquals(state.Item, item) || state.ItemDescription is null)
            state.ItemDescription = item!.Describe();
        state.Item = item!;
        state.LastEventAt = e.OccurredAt;

        var mrr = MrrMath.CountsTowardMrr(to) ? item!.Mrr : 0m;
        if (mrr != state.Mrr || reason == MrrChangeReason.Recovery)
            changes.Add(new SubscriptionMrrChange(options.CustomerKey(e.CustomerId), options.SubscriptionPrefix + e.SubscriptionId,
                e.OccurredAt, e.Sequence, mrr, reason, name + ": " + state.ItemDescription));
        state.Mrr = mrr;
        return null;
    }

    private static MrrChangeReason Subscribed(HistoryItem item, HistoryReplayOptions options) =>
        options.IsAddOn(item) ? MrrChangeReason.AddOn : MrrChangeReason.Subscribed;

    private static string Describe(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.PastDue => "past_due",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
