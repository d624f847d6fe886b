using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>
/// Products, prices and coupons as the admin pages and the public /pricing and /products/{slug} show them, and the
/// "Most popular" choice. Changes to them (and the choice, <c>SetMostPopular</c>) are use cases in <c>UseCases/</c>, run
/// through the use-case runner.
/// </summary>
public sealed class CatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, SettingsStore settings)
{
    /// <summary>Shadow properties: a price's admin-only nickname, and a coupon's code in upper case for the unique index.</summary>
    internal const string NicknameProperty = "Nickname", CouponCodeProperty = "NormalizedCode";

    /// <summary>Shortest period first (daily, weekly, monthly, quarterly, yearly), then currency, then the cheaper.</summary>
    private static readonly IComparer<PriceTerms> CadenceOrder = Comparer<PriceTerms>.Create((a, b) =>
    {
        static decimal Days(PriceTerms t) => t.PeriodMonths is { } months ? months * 30.4m : t.Interval == BillingInterval.Week ? 7 * t.IntervalCount : t.IntervalCount;
        var byPeriod = Days(a).CompareTo(Days(b));
        if (byPeriod != 0)
            return byPeriod;
        var byCurrency = string.CompareOrdinal(a.Currency, b.Currency);
        return byCurrency != 0 ? byCurrency : a.Amount.Minor.CompareTo(b.Amount.Minor);
    });

    // ---- Admin: products ----------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<ProductSummary>> ListProductsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await db.Products.Select(p => new { p.Id, p.Kind, p.Name, p.Slug, p.Rank, p.IsVisible }).ToListAsync(ct);
        var counts = await db.Prices.GroupBy(p => new { p.ProductId, p.IsArchived })
            .Select(g => new { g.Key.ProductId, g.Key.IsArchived, Count = g.Count() }).ToListAsync(ct);
        int Count(Guid id, bool archived) => counts.Where(c => c.ProductId == id && c.IsArchived == archived).Sum(c => c.Count);
        return products
            .OrderBy(p => p.Kind).ThenBy(p => p.Rank).ThenBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new ProductSummary(p.Id, p.Kind, p.Name, p.Slug, p.Rank, p.IsVisible, Count(p.Id, false), Count(p.Id, true)))
            .ToList();
    }

    /// <summary>The product as the editor shows it, or null when it does not exist.</summary>
    public async Task<ProductInput?> GetProductInputAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.Products.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        return p is null ? null : new ProductInput
        {
            Kind = p.Kind,
            Name = p.Name,
            Slug = p.Slug,
            DescriptionMarkdown = p.DescriptionMarkdown,
            ImageUrl = p.ImageUrl,
            FeaturesText = string.Join('\n', p.Features),
            Rank = p.Rank,
            IsVisible = p.IsVisible,
            AllowPause = p.AllowPause,
            BoxCutoffDay = p.BoxCutoffDay,
            BoxShipDay = p.BoxShipDay,
            AddOnBilling = p.AddOnBilling ?? AddOnBilling.Recurring,
            ShipsPhysically = p.ShipsPhysically,
            AttachableTo = p.AttachableTo.ToList(),
        };
    }

    /// <summary>Any product by slug, hidden ones included.</summary>
    public async Task<Guid?> FindProductIdAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Products.Where(p => p.Slug == slug).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
    }

    /// <summary>Boxes and add-ons that ship have their own fulfilment calendar: a cut-off day and a ship day each month.</summary>
    internal static bool HasCycle(ProductInput input) => input.Kind == ProductKind.Box || (input.Kind == ProductKind.AddOn && input.ShipsPhysically);

    // ---- Admin: prices ------------------------------------------------------------------------------------------

    /// <summary>Every price of a product, archived ones too (existing subscribers may still be on them).</summary>
    public async Task<IReadOnlyList<AdminPrice>> ListPricesAsync(Guid productId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Prices.AsNoTracking().Where(p => p.ProductId == productId)
            .Select(p => new { Price = p, Nickname = EF.Property<string?>(p, NicknameProperty) }).ToListAsync(ct);
        return rows.Select(r => ToAdmin(r.Price, r.Nickname))
            .OrderBy(p => p.IsArchived).ThenBy(p => p.Terms, CadenceOrder).ToList();
    }

    /// <summary>A price by id whether or not it is archived: renewals and existing subscriptions load it this way.</summary>
    public async Task<AdminPrice?> GetPriceAsync(Guid priceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Prices.AsNoTracking().Where(p => p.Id == priceId)
            .Select(p => new { Price = p, Nickname = EF.Property<string?>(p, NicknameProperty) }).SingleOrDefaultAsync(ct);
        return row is null ? null : ToAdmin(row.Price, row.Nickname);
    }

    private static AdminPrice ToAdmin(CatalogPrice p, string? nickname) => new(p.Id, p.ProductId, p.Terms, nickname, p.IsArchived, p.ArchivedAt);

    // ---- Admin: coupons -----------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<CouponView>> ListCouponsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var coupons = await db.Coupons.AsNoTracking().ToListAsync(ct);
        var names = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var now = clock.GetUtcNow();
        return coupons.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c => ToView(c, names, now)).ToList();
    }

    /// <summary>A coupon by the code a member typed, in any letter case; null when there is none (or the code is malformed).</summary>
    public async Task<CouponView?> FindCouponAsync(string code, CancellationToken ct = default)
    {
        string normalized;
        try
        { normalized = CouponTerms.NormalizeCode(code); }
        catch (DomainException) { return null; }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var coupon = await db.Coupons.AsNoTracking().SingleOrDefaultAsync(c => EF.Property<string>(c, CouponCodeProperty) == normalized, ct);
        if (coupon is null)
            return null;
        var ids = coupon.ProductIds.ToList();
        var names = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return ToView(coupon, names, clock.GetUtcNow());
    }

    private static CouponView ToView(Coupon c, IReadOnlyDictionary<Guid, string> productNames, DateTimeOffset now) => new(
        c.Id, c.Code, c.Terms.Describe(), c.Duration, c.DurationInMonths, c.ExpiresAt, c.ExpiresAt is { } e && now >= e,
        c.TimesRedeemed, c.MaxRedemptions,
        c.ProductIds.Select(id => productNames.GetValueOrDefault(id, "(deleted product)")).Order(StringComparer.CurrentCulture).ToList());

    // ---- Public ------------------------------------------------------------------------------------------------

    /// <summary>What new buyers can choose: visible memberships (by rank), courses and boxes that have a current price.</summary>
    public async Task<PricingCatalog> GetPricingAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = (await LoadPublicAsync(db, db.Products.Where(p => p.IsVisible && p.Kind != ProductKind.AddOn), ct))
            .Where(p => p.Prices.Count > 0).ToList();
        IReadOnlyList<PublicProduct> Of(ProductKind kind) => products.Where(p => p.Kind == kind).ToList();
        return new PricingCatalog(Of(ProductKind.Membership), Of(ProductKind.Course), Of(ProductKind.Box), await PopularAsync(ct));
    }

    /// <summary>The Owner's choice of the "Most popular" tier on /pricing.</summary>
    public async Task<PopularChoice> PopularAsync(CancellationToken ct = default) => PopularChoice.Parse(await settings.GetAsync(PopularChoice.SettingKey, ct));

    /// <summary>A visible product's page, or null for an unknown or hidden slug.</summary>
    public async Task<ProductDetails?> GetProductDetailsAsync(string slug, CancellationToken ct = default)
    {
        slug = (slug ?? "").Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = (await LoadPublicAsync(db, db.Products.Where(p => p.Slug == slug && p.IsVisible), ct)).SingleOrDefault();
        if (product is null)
            return null;

        if (product.Kind != ProductKind.AddOn)
            return new ProductDetails(product, await AttachableAddOnsAsync(db, product.Id, ct), []);

        var attachableTo = await db.Products.Where(p => p.Id == product.Id).Select(p => p.AttachableTo).SingleAsync(ct);
        var hosts = await LoadPublicAsync(db, db.Products.Where(p => p.IsVisible && p.Kind != ProductKind.AddOn && attachableTo.Contains(p.Id)), ct);
        return new ProductDetails(product, [], hosts.Where(h => h.Prices.Count > 0).ToList());
    }

    /// <summary>Visible add-ons with a current price that can be attached to the product (those attachable to anything included).</summary>
    private static async Task<IReadOnlyList<PublicProduct>> AttachableAddOnsAsync(AppDbContext db, Guid productId, CancellationToken ct)
    {
        var addOns = db.Products.Where(p => p.IsVisible && p.Kind == ProductKind.AddOn && p.Id != productId
                                            && (p.AttachableTo.Count == 0 || p.AttachableTo.Contains(productId)));
        return (await LoadPublicAsync(db, addOns, ct)).Where(a => a.Prices.Count > 0).ToList();
    }

    /// <summary>The products with their current (non-archived) prices, cheapest cadence first; ordered by rank, then name.</summary>
    private static async Task<List<PublicProduct>> LoadPublicAsync(AppDbContext db, IQueryable<Product> query, CancellationToken ct)
    {
        var products = await query.AsNoTracking().ToListAsync(ct);
        var ids = products.Select(p => p.Id).ToList();
        var prices = await db.Prices.AsNoTracking().Where(p => !p.IsArchived && ids.Contains(p.ProductId))
            .Select(p => new { Price = p, Nickname = EF.Property<string?>(p, NicknameProperty) }).ToListAsync(ct);
        var byProduct = prices.ToLookup(p => p.Price.ProductId);
        return products
            .OrderBy(p => p.Rank).ThenBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new PublicProduct(
                p.Id, p.Kind, p.Name, p.Slug, p.DescriptionMarkdown, p.ImageUrl, p.Features, p.Rank, p.NeedsShipping, p.AddOnBilling,
                byProduct[p.Id].Select(x => new PublicPrice(x.Price.Id, x.Price.Terms, x.Nickname)).OrderBy(x => x.Terms, CadenceOrder).ToList()))
            .ToList();
    }
}
