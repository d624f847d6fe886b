namespace MembershipPortal.Domain.Billing;

/// <summary>Maps statuses to and from Stripe's wire names, so the Stripe adapter needs no mapping table of its own.</summary>
public static class SubscriptionStatusNames
{
    public static string ToStripeName(this SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Incomplete => "incomplete",
        SubscriptionStatus.Trialing => "trialing",
        SubscriptionStatus.Active => "active",
        SubscriptionStatus.PastDue => "past_due",
        SubscriptionStatus.Unpaid => "unpaid",
        SubscriptionStatus.Paused => "paused",
        SubscriptionStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a subscription status."),
    };

    /// <summary>
    /// The status for a Stripe name, or null for a name this portal does not know (so callers can log and skip).
    /// incomplete_expired is Stripe's terminal state for a never-paid subscription and maps to Canceled.
    /// </summary>
    public static SubscriptionStatus? FromStripeName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "incomplete" => SubscriptionStatus.Incomplete,
        "incomplete_expired" => SubscriptionStatus.Canceled,
        "trialing" => SubscriptionStatus.Trialing,
        "active" => SubscriptionStatus.Active,
        "past_due" => SubscriptionStatus.PastDue,
        "unpaid" => SubscriptionStatus.Unpaid,
        "paused" => SubscriptionStatus.Paused,
        "canceled" => SubscriptionStatus.Canceled,
        _ => null,
    };
}
