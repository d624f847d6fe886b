using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Tests.Support;

/// <summary>A small craft-club catalog written straight to the database: three tiers, a mailed kit add-on and a box.</summary>
public sealed class TestCatalog
{
    public Guid BasicMonthly { get; private set; }
    public Guid ProMonthly { get; private set; }
    public Guid ProYearly { get; private set; }
    public Guid VipMonthly { get; private set; }
    public Guid KitMonthly { get; private set; }
    public Guid BoxMonthly { get; private set; }
    public Guid ProProduct { get; private set; }
    public Guid VipProduct { get; private set; }

    public static async Task<TestCatalog> CreateAsync(PortalFactory factory, string prefix = "")
    {
        var catalog = new TestCatalog();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = factory.Clock.GetUtcNow();
        Product Make(string name, ProductKind kind, int rank, bool ships = false, bool pause = false) => new()
        {
            Name = prefix + name,
            Slug = (prefix + name).ToLowerInvariant().Replace(' ', '-'),
            Kind = kind,
            Rank = rank,
            CreatedAt = now,
            ShipsPhysically = ships,
            AllowPause = pause,
            Features = [$"{name} perk"],
            AddOnBilling = kind == ProductKind.AddOn ? AddOnBilling.Recurring : null,
        };
        CatalogPrice Price(Product p, long cents, BillingInterval interval = BillingInterval.Month) =>
            CatalogPrice.Create(p.Id, new PriceTerms(new Money(cents, "USD"), interval));

        var basic = Make("Basic", ProductKind.Membership, 1, pause: true);
        var pro = Make("Pro", ProductKind.Membership, 2, pause: true);
        var vip = Make("VIP", ProductKind.Membership, 3);
        var kit = Make("Craft Kit", ProductKind.AddOn, 0, ships: true);
        kit.AttachableTo = [basic.Id, pro.Id, vip.Id];
        var box = Make("Tea Box", ProductKind.Box, 0, pause: true);
        var prices = new[]
        {
            Price(basic, 900), Price(pro, 1900), Price(pro, 19000, BillingInterval.Year), Price(vip, 3900), Price(kit, 1200), Price(box, 2500),
        };
        db.Products.AddRange(basic, pro, vip, kit, box);
        db.Prices.AddRange(prices);
        await db.SaveChangesAsync();
        (catalog.BasicMonthly, catalog.ProMonthly, catalog.ProYearly, catalog.VipMonthly, catalog.KitMonthly, catalog.BoxMonthly) =
            (prices[0].Id, prices[1].Id, prices[2].Id, prices[3].Id, prices[4].Id, prices[5].Id);
        catalog.ProProduct = pro.Id;
        catalog.VipProduct = vip.Id;
        return catalog;
    }

    public static async Task<Coupon> AddCouponAsync(PortalFactory factory, Coupon coupon)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.Coupons.Add(coupon);
        db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
        await db.SaveChangesAsync();
        return coupon;
    }
}
