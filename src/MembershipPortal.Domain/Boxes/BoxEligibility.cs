using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Entitlements;

namespace MembershipPortal.Domain.Boxes;

/// <summary>
/// Who gets a box when a cycle is generated: active and trialing subscriptions; past due ones only when the Owner allows
/// it and only while inside the grace period (the same grace as access, counted from the first failed payment); never
/// unpaid, paused, incomplete or canceled ones. Skips and missing addresses are checked separately.
/// </summary>
public static class BoxEligibility
{
    public static bool GetsABox(SubscriptionStatus status, DateTimeOffset? firstFailedPaymentAt, DateTimeOffset currentPeriodEnd,
        bool shipPastDueInGrace, int graceDays, DateTimeOffset now) => status switch
        {
            SubscriptionStatus.Active or SubscriptionStatus.Trialing => true,
            SubscriptionStatus.PastDue => shipPastDueInGrace && EntitlementPolicy.ForSubscription(
                new SubscriptionAccess(status, new HashSet<Guid>(), currentPeriodEnd, currentPeriodEnd, firstFailedPaymentAt), graceDays, now).Allowed,
            _ => false,
        };
}
