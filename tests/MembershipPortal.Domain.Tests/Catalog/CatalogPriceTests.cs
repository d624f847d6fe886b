using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Catalog;

public class CatalogPriceTests
{
    [Fact]
    public void EnsurePurchasable_ArchivedPrice_Throws()
    {
        var price = Monthly(1000);
        price.EnsurePurchasable();

        price.Archive(Utc(2025, 1, 1));

        var ex = Assert.Throws<DomainException>(price.EnsurePurchasable);
        Assert.Contains("no longer offered", ex.Message);
    }

    [Fact]
    public void Archive_AlreadyArchived_Throws()
    {
        var price = Monthly(1000);
        price.Archive(Utc(2025, 1, 1));

        Assert.Throws<DomainException>(() => price.Archive(Utc(2025, 1, 2)));
    }

    [Fact]
    public void Unarchive_ArchivedPrice_PurchasableAgain()
    {
        var price = Monthly(1000);
        price.Archive(Utc(2025, 1, 1));

        price.Unarchive();

        price.EnsurePurchasable();
        Assert.Null(price.ArchivedAt);
    }
}
