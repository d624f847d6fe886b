using MembershipPortal.Domain.Billing;

namespace MembershipPortal.Domain.Entitlements;

/// <summary>
/// Decides access from current subscription state on every request (never from cached claims, so a
/// cancellation or failed payment takes effect at once).
/// </summary>
public static class EntitlementPolicy
{
    public const int DefaultGracePeriodDays = 7;

    // When several subscriptions or comps cover the content, the strongest grant wins; when none grants,
    // the denial the member can most readily act on is reported.
    private static readonly AccessReason[] GrantPreference =
    [
        AccessReason.ActiveSubscription,
        AccessReason.Trialing,
        AccessReason.Comped,
        AccessReason.PastDueInGrace,
        AccessReason.CanceledUntilPeriodEnd,
    ];

    private static readonly AccessReason[] DenialPreference =
    [
        AccessReason.NotYetDripped,
        AccessReason.PaymentPastDueGraceOver,
        AccessReason.Unpaid,
        AccessReason.Paused,
        AccessReason.Incomplete,
        AccessReason.SubscriptionEnded,
        AccessReason.UnknownStatus,
    ];

    public static AccessDecision Decide(AccessRule rule, MemberAccessContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(context);
        return rule switch
        {
            AccessRule.PublicRule => AccessDecision.Allow(AccessReason.Public),
            _ when !context.IsSignedIn => AccessDecision.Deny(AccessReason.NotSignedIn),
            AccessRule.MembersRule => AccessDecision.Allow(AccessReason.SignedIn),
            AccessRule.ProductRule products => DecideForProducts(products, context, now),
            _ => AccessDecision.Deny(AccessReason.NotEntitled),
        };
    }

    /// <summary>
    /// What one subscription grants, ignoring products: active and trialing grant; past due grants until
    /// <c>FirstFailedPaymentAt + grace</c> (exclusive); canceled grants until its period end (exclusive).
    /// </summary>
    public static AccessDecision ForSubscription(SubscriptionAccess subscription, int gracePeriodDays, DateTimeOffset now) =>
        subscription.Status switch
        {
            SubscriptionStatus.Active => AccessDecision.Allow(AccessReason.ActiveSubscription),
            SubscriptionStatus.Trialing => AccessDecision.Allow(AccessReason.Trialing),
            // Without a recorded failure time the period end is the best estimate of when payment fell due.
            SubscriptionStatus.PastDue => now < (subscription.FirstFailedPaymentAt ?? subscription.CurrentPeriodEnd).AddDays(gracePeriodDays)
                ? AccessDecision.Allow(AccessReason.PastDueInGrace)
                : AccessDecision.Deny(AccessReason.PaymentPastDueGraceOver),
            SubscriptionStatus.Unpaid => AccessDecision.Deny(AccessReason.Unpaid),
            SubscriptionStatus.Paused => AccessDecision.Deny(AccessReason.Paused),
            SubscriptionStatus.Incomplete => AccessDecision.Deny(AccessReason.Incomplete),
            SubscriptionStatus.Canceled => now < subscription.CurrentPeriodEnd
                ? AccessDecision.Allow(AccessReason.CanceledUntilPeriodEnd)
                : AccessDecision.Deny(AccessReason.SubscriptionEnded),
            _ => AccessDecision.Deny(AccessReason.UnknownStatus),
        };

    private static AccessDecision DecideForProducts(AccessRule.ProductRule rule, MemberAccessContext context, DateTimeOffset now)
    {
        var candidates = new List<AccessDecision>();
        foreach (var subscription in context.Subscriptions.Where(s => s.ProductIds.Overlaps(rule.ProductIds)))
        {
            var decision = ForSubscription(subscription, context.GracePeriodDays, now);
            if (decision.Allowed && now < subscription.StartedAt.AddDays(rule.DripDays))
                decision = AccessDecision.Deny(AccessReason.NotYetDripped);
            candidates.Add(decision);
        }

        foreach (var comp in context.Comps.Where(c => rule.ProductIds.Contains(c.ProductId)))
            candidates.Add(ForComp(comp, now));

        var grants = candidates.Where(c => c.Allowed).ToList();
        if (grants.Count > 0)
            return grants.MinBy(c => Array.IndexOf(GrantPreference, c.Reason));
        if (candidates.Count > 0)
            return candidates.MinBy(c => Array.IndexOf(DenialPreference, c.Reason));

        var entitledToSomethingElse =
            context.Subscriptions.Any(s => ForSubscription(s, context.GracePeriodDays, now).Allowed)
            || context.Comps.Any(c => ForComp(c, now).Allowed);
        return AccessDecision.Deny(entitledToSomethingElse ? AccessReason.TierTooLow : AccessReason.NotEntitled);
    }

    private static AccessDecision ForComp(CompAccess comp, DateTimeOffset now) =>
        comp.Until is not { } until || now < until
            ? AccessDecision.Allow(AccessReason.Comped)
            : AccessDecision.Deny(AccessReason.SubscriptionEnded);
}
