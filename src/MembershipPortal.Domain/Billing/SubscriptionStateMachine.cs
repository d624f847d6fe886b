using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// The one place that says which status changes are legal. Anything not in the table throws; nothing is
/// silently ignored. Changes that keep the status (renewal, a failed retry) are listed explicitly too.
/// </summary>
public static class SubscriptionStateMachine
{
    private static readonly Dictionary<(SubscriptionStatus From, SubscriptionTrigger Trigger), SubscriptionStatus> Table =
        new (SubscriptionStatus From, SubscriptionTrigger Trigger, SubscriptionStatus To)[]
        {
            (SubscriptionStatus.Incomplete, SubscriptionTrigger.TrialStarted, SubscriptionStatus.Trialing),
            (SubscriptionStatus.Incomplete, SubscriptionTrigger.PaymentSucceeded, SubscriptionStatus.Active),
            (SubscriptionStatus.Incomplete, SubscriptionTrigger.PaymentFailed, SubscriptionStatus.Incomplete),
            (SubscriptionStatus.Incomplete, SubscriptionTrigger.IncompleteExpired, SubscriptionStatus.Canceled),
            (SubscriptionStatus.Incomplete, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),

            (SubscriptionStatus.Trialing, SubscriptionTrigger.PaymentSucceeded, SubscriptionStatus.Active),
            (SubscriptionStatus.Trialing, SubscriptionTrigger.PaymentFailed, SubscriptionStatus.PastDue),
            (SubscriptionStatus.Trialing, SubscriptionTrigger.TrialEnded, SubscriptionStatus.Paused),
            (SubscriptionStatus.Trialing, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),
            (SubscriptionStatus.Trialing, SubscriptionTrigger.PeriodEndedAfterCancel, SubscriptionStatus.Canceled),

            (SubscriptionStatus.Active, SubscriptionTrigger.PaymentSucceeded, SubscriptionStatus.Active),
            (SubscriptionStatus.Active, SubscriptionTrigger.PaymentFailed, SubscriptionStatus.PastDue),
            (SubscriptionStatus.Active, SubscriptionTrigger.Paused, SubscriptionStatus.Paused),
            (SubscriptionStatus.Active, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),
            (SubscriptionStatus.Active, SubscriptionTrigger.PeriodEndedAfterCancel, SubscriptionStatus.Canceled),

            (SubscriptionStatus.PastDue, SubscriptionTrigger.PaymentSucceeded, SubscriptionStatus.Active),
            (SubscriptionStatus.PastDue, SubscriptionTrigger.PaymentFailed, SubscriptionStatus.PastDue),
            (SubscriptionStatus.PastDue, SubscriptionTrigger.GracePeriodExpired, SubscriptionStatus.Unpaid),
            (SubscriptionStatus.PastDue, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),
            (SubscriptionStatus.PastDue, SubscriptionTrigger.PeriodEndedAfterCancel, SubscriptionStatus.Canceled),

            (SubscriptionStatus.Unpaid, SubscriptionTrigger.PaymentSucceeded, SubscriptionStatus.Active),
            (SubscriptionStatus.Unpaid, SubscriptionTrigger.PaymentFailed, SubscriptionStatus.Unpaid),
            (SubscriptionStatus.Unpaid, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),

            (SubscriptionStatus.Paused, SubscriptionTrigger.Resumed, SubscriptionStatus.Active),
            (SubscriptionStatus.Paused, SubscriptionTrigger.Canceled, SubscriptionStatus.Canceled),

            (SubscriptionStatus.Canceled, SubscriptionTrigger.Reactivated, SubscriptionStatus.Active),
        }.ToDictionary(row => (row.From, row.Trigger), row => row.To);

    /// <summary>Every legal (from, trigger) → to row, for tests, docs and admin tooling.</summary>
    public static IReadOnlyDictionary<(SubscriptionStatus From, SubscriptionTrigger Trigger), SubscriptionStatus> Transitions => Table;

    public static bool IsAllowed(SubscriptionStatus from, SubscriptionTrigger trigger) => Table.ContainsKey((from, trigger));

    /// <summary>The status after <paramref name="trigger"/>; throws <see cref="DomainException"/> when illegal.</summary>
    public static SubscriptionStatus Next(SubscriptionStatus from, SubscriptionTrigger trigger) =>
        Table.TryGetValue((from, trigger), out var to)
            ? to
            : throw new DomainException($"Cannot {Verb(trigger)} {DescribeWithArticle(from)} subscription.");

    /// <summary>Lower-case words for a status, for messages: "past due".</summary>
    public static string Describe(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.PastDue => "past due",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Verb(SubscriptionTrigger trigger) => trigger switch
    {
        SubscriptionTrigger.PaymentSucceeded => "record a successful payment for",
        SubscriptionTrigger.PaymentFailed => "record a failed payment for",
        SubscriptionTrigger.TrialStarted => "start a trial on",
        SubscriptionTrigger.TrialEnded => "end the trial of",
        SubscriptionTrigger.GracePeriodExpired => "expire the grace period of",
        SubscriptionTrigger.IncompleteExpired => "expire the first payment of",
        SubscriptionTrigger.Paused => "pause",
        SubscriptionTrigger.Resumed => "resume",
        SubscriptionTrigger.Canceled => "cancel",
        SubscriptionTrigger.PeriodEndedAfterCancel => "end the final period of",
        SubscriptionTrigger.Reactivated => "reactivate",
        _ => trigger.ToString(),
    };

    /// <summary>"an active", "a past due": for messages about a subscription in this status.</summary>
    public static string DescribeWithArticle(SubscriptionStatus status)
    {
        var words = Describe(status);
        return ("aeiou".Contains(words[0]) ? "an " : "a ") + words;
    }
}
