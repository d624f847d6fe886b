namespace MembershipPortal.Domain.Entitlements;

public readonly record struct AccessDecision(bool Allowed, AccessReason Reason)
{
    public static AccessDecision Allow(AccessReason reason) => new(true, reason);

    public static AccessDecision Deny(AccessReason reason) => new(false, reason);
}
