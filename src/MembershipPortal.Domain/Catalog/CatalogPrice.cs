using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Catalog;

/// <summary>
/// A price a product is sold at. Prices are never edited, only archived: an archived price cannot be bought
/// any more, but subscriptions already on it keep renewing at the terms they copied (grandfathering).
/// </summary>
public sealed class CatalogPrice
{
    private CatalogPrice()
    {
    }

    public Guid Id { get; private set; }

    public Guid ProductId { get; private set; }

    public PriceTerms Terms { get; private set; } = null!;

    public bool IsArchived { get; private set; }

    public DateTimeOffset? ArchivedAt { get; private set; }

    public static CatalogPrice Create(Guid productId, PriceTerms terms, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (productId == Guid.Empty)
            throw new DomainException("A price must belong to a product.");
        return new CatalogPrice { Id = id ?? Guid.NewGuid(), ProductId = productId, Terms = terms };
    }

    public void Archive(DateTimeOffset now)
    {
        if (IsArchived)
            throw new DomainException("This price is already archived.");
        IsArchived = true;
        ArchivedAt = now;
    }

    public void Unarchive()
    {
        if (!IsArchived)
            throw new DomainException("This price is not archived.");
        IsArchived = false;
        ArchivedAt = null;
    }

    /// <summary>Guards every new purchase or plan change; renewals of existing subscriptions never call it.</summary>
    public void EnsurePurchasable()
    {
        if (IsArchived)
            throw new DomainException("This price is no longer offered; choose a current plan.");
    }
}
