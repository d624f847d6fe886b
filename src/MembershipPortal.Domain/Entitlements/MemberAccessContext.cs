using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Entitlements;

/// <summary>The slice of a subscription the entitlement rules read.</summary>
public sealed record SubscriptionAccess(
    SubscriptionStatus Status,
    IReadOnlySet<Guid> ProductIds,
    DateTimeOffset StartedAt,
    DateTimeOffset CurrentPeriodEnd,
    DateTimeOffset? FirstFailedPaymentAt = null)
{
    public static SubscriptionAccess From(Subscription subscription) => new(
        subscription.Status,
        subscription.Items.Select(i => i.ProductId).ToHashSet(),
        subscription.StartedAt,
        subscription.CurrentPeriodEnd,
        subscription.FirstFailedPaymentAt);
}

/// <summary>Free access to a product granted by an admin, open-ended when <see cref="Until"/> is null.</summary>
public sealed record CompAccess(Guid ProductId, DateTimeOffset? Until = null);

/// <summary>Everything about the member that access decisions depend on, loaded fresh for each request.</summary>
public sealed record MemberAccessContext
{
    public MemberAccessContext(
        bool isSignedIn,
        IReadOnlyList<SubscriptionAccess>? subscriptions = null,
        IReadOnlyList<CompAccess>? comps = null,
        int gracePeriodDays = EntitlementPolicy.DefaultGracePeriodDays)
    {
        if (gracePeriodDays < 0)
            throw new DomainException($"The grace period cannot be negative; {gracePeriodDays} days was given.");
        if (!isSignedIn && (subscriptions is { Count: > 0 } || comps is { Count: > 0 }))
            throw new DomainException("An anonymous visitor cannot have subscriptions or comps.");
        IsSignedIn = isSignedIn;
        Subscriptions = subscriptions ?? [];
        Comps = comps ?? [];
        GracePeriodDays = gracePeriodDays;
    }

    public static MemberAccessContext Anonymous { get; } = new(false);

    public bool IsSignedIn { get; }

    public IReadOnlyList<SubscriptionAccess> Subscriptions { get; }

    public IReadOnlyList<CompAccess> Comps { get; }

    /// <summary>Days after the first failed payment that a past-due member keeps access.</summary>
    public int GracePeriodDays { get; }

    public static MemberAccessContext SignedIn(
        IReadOnlyList<SubscriptionAccess>? subscriptions = null,
        IReadOnlyList<CompAccess>? comps = null,
        int gracePeriodDays = EntitlementPolicy.DefaultGracePeriodDays) =>
        new(true, subscriptions, comps, gracePeriodDays);
}
