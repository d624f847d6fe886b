namespace MembershipPortal.Domain.Billing;

/// <summary>Lifecycle of a subscription; the names follow Stripe's (see <see cref="SubscriptionStatusNames"/>).</summary>
public enum SubscriptionStatus
{
    /// <summary>Created, first payment not yet made.</summary>
    Incomplete,
    Trialing,
    Active,

    /// <summary>A renewal payment failed; retries and the grace period are running.</summary>
    PastDue,

    /// <summary>Retries and grace are over with the invoice still open; access is withdrawn.</summary>
    Unpaid,
    Paused,
    Canceled,
}
