using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Entitlements;

/// <summary>An offer that unlocks a locked item: a product and the price to show.</summary>
public sealed record UnlockOffer(Guid ProductId, Guid PriceId, PriceTerms Terms);

public static class Paywall
{
    /// <summary>
    /// The cheapest purchasable price, by monthly equivalent, among the products that unlock an item; a tie goes to
    /// the monthly price. Null when nothing on sale unlocks it.
    /// </summary>
    public static UnlockOffer? CheapestUnlock(IEnumerable<Guid> unlockingProductIds, IEnumerable<CatalogPrice> prices)
    {
        var wanted = unlockingProductIds.ToHashSet();
        return prices.Where(p => wanted.Contains(p.ProductId) && !p.IsArchived)
            .OrderBy(p => p.Terms.MonthlyEquivalent())
            .ThenBy(p => p.Terms.PeriodMonths ?? 0)
            .Select(p => new UnlockOffer(p.ProductId, p.Id, p.Terms))
            .FirstOrDefault();
    }
}
