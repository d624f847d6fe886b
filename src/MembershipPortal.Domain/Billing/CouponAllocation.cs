using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// Decides which checkout lines a coupon discounts, shared by the invoice preview and the subscription so the
/// two always agree. A percentage discounts every eligible line; an amount off is taken once, from the first
/// eligible line, so "$10 off" never becomes $10 per line.
/// </summary>
internal static class CouponAllocation
{
    public static CouponTerms?[] Allocate(IReadOnlyList<NewSubscriptionItem> items, Coupon? coupon, DateTimeOffset now)
    {
        var allocation = new CouponTerms?[items.Count];
        if (coupon is null)
            return allocation;

        var checks = items.Select(item => coupon.CanApply(item.Price.ProductId, now)).ToArray();
        var eligible = Enumerable.Range(0, items.Count).Where(i => checks[i].IsValid).ToArray();
        if (eligible.Length == 0)
            throw new DomainException(checks.Select(c => c.Reason).FirstOrDefault() ?? $"Coupon {coupon.Code} cannot be used.");

        foreach (var index in coupon.Terms.PercentOff is null ? eligible.Take(1) : eligible)
            allocation[index] = coupon.Terms;
        return allocation;
    }
}
