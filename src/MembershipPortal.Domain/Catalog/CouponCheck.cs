namespace MembershipPortal.Domain.Catalog;

/// <summary>Whether a coupon can be used, and if not, a reason fit to show the member.</summary>
public readonly record struct CouponCheck(bool IsValid, string? Reason)
{
    public static CouponCheck Valid { get; } = new(true, null);

    public static CouponCheck Rejected(string reason) => new(false, reason);
}
