using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>
/// Products, prices and coupons: the Owner's changes (validated, all-or-nothing, one context per operation) and the
/// public read models for /pricing and /products/{slug}. Bad input comes back as a <see cref="CatalogResult"/> message;
/// nothing is written then.
/// </summary>
public sealed class CatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditLog audit, SettingsStore settings)
{
    private const string NicknameProperty = "Nickname", CouponCodeProperty = "NormalizedCode";

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

    public Task<CatalogResult> CreateProductAsync(ProductInput input, CancellationToken ct = default) => SaveProductAsync(null, input, ct);

    public Task<CatalogResult> UpdateProductAsync(Guid id, ProductInput input, CancellationToken ct = default) => SaveProductAsync(id, input, ct);

    private async Task<CatalogResult> SaveProductAsync(Guid? id, ProductInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var name = (input.Name ?? "").Trim();
        var slug = (input.Slug ?? "").Trim();
        var imageUrl = string.IsNullOrWhiteSpace(input.ImageUrl) ? null : input.ImageUrl.Trim();
        try
        {
            CatalogRules.Require(
                CatalogRules.CheckName(name), CatalogRules.CheckSlug(slug), CatalogRules.CheckRank(input.Rank),
                CatalogRules.CheckDescription(input.DescriptionMarkdown), CatalogRules.CheckImageUrl(imageUrl),
                CatalogRules.CheckFeatures(input.FeaturesText),
                Enum.IsDefined(input.Kind) ? null : "Choose what kind of product this is.",
                input.Kind != ProductKind.AddOn || Enum.IsDefined(input.AddOnBilling) ? null : "Choose whether the add-on is recurring or one-time.",
                !HasCycle(input) || (input.BoxCutoffDay is >= 1 and <= 31 && input.BoxShipDay is >= 1 and <= 31 && input.BoxShipDay >= input.BoxCutoffDay)
                    ? null : "Cut-off and ship days are days of the month (1-31), and parcels ship on or after the cut-off day.");

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            Product product;
            if (id is { } existingId)
            {
                product = await db.Products.SingleOrDefaultAsync(p => p.Id == existingId, ct)
                    ?? throw new DomainException("This product no longer exists.");
                if (product.Kind != input.Kind && await db.Prices.AnyAsync(p => p.ProductId == existingId, ct))
                    throw new DomainException($"This product already has prices, so it stays a {KindName(product.Kind)}; create a new product instead.");
            }
            else
            {
                product = new Product { Name = name, Slug = slug, CreatedAt = clock.GetUtcNow() };
                db.Products.Add(product);
            }

            if (await db.Products.AnyAsync(p => p.Slug == slug && p.Id != product.Id, ct))
                throw new DomainException(SlugTaken(slug));

            var attachTo = input.Kind == ProductKind.AddOn ? input.AttachableTo.Distinct().ToList() : [];
            if (attachTo.Count > 0)
            {
                var targets = await db.Products.Where(p => attachTo.Contains(p.Id)).Select(p => p.Kind).ToListAsync(ct);
                if (targets.Count != attachTo.Count)
                    throw new DomainException("One of the products to attach this add-on to no longer exists.");
                if (targets.Contains(ProductKind.AddOn))
                    throw new DomainException("An add-on attaches to memberships, courses or boxes, not to another add-on.");
            }

            product.Kind = input.Kind;
            product.Name = name;
            product.Slug = slug;
            product.DescriptionMarkdown = input.DescriptionMarkdown ?? "";
            product.ImageUrl = imageUrl;
            product.Features = CatalogRules.ParseFeatures(input.FeaturesText).ToList();
            product.Rank = input.Rank;
            product.IsVisible = input.IsVisible;
            product.AllowPause = input.AllowPause;
            if (HasCycle(input))
                (product.BoxCutoffDay, product.BoxShipDay) = (input.BoxCutoffDay, input.BoxShipDay);
            product.AddOnBilling = input.Kind == ProductKind.AddOn ? input.AddOnBilling : null;
            product.ShipsPhysically = input.Kind == ProductKind.AddOn && input.ShipsPhysically;
            product.AttachableTo = attachTo;
            Audit(db, id is null ? "catalog.product.create" : "catalog.product.update",
                $"{(id is null ? "Created" : "Updated")} {KindName(product.Kind)} “{name}” (/{slug})", "product", product.Id);

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another save took the slug between the check and this one; the unique index refused ours.
                if (await SlugExistsElsewhereAsync(slug, product.Id, ct))
                    throw new DomainException(SlugTaken(slug));
                throw;
            }
            return CatalogResult.Ok(product.Id);
        }
        catch (DomainException ex)
        {
            return CatalogResult.Fail(ex.Message);
        }
    }

    private async Task<bool> SlugExistsElsewhereAsync(string slug, Guid productId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Products.AnyAsync(p => p.Slug == slug && p.Id != productId, ct);
    }

    /// <summary>Boxes and add-ons that ship have their own fulfilment calendar: a cut-off day and a ship day each month.</summary>
    internal static bool HasCycle(ProductInput input) => input.Kind == ProductKind.Box || (input.Kind == ProductKind.AddOn && input.ShipsPhysically);

    private static string SlugTaken(string slug) => $"Another product already uses the slug '{slug}'; choose a different one.";

    private static string KindName(ProductKind kind) => kind == ProductKind.AddOn ? "add-on" : kind.ToString().ToLowerInvariant();

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

    public async Task<CatalogResult> AddPriceAsync(Guid productId, PriceInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == productId, ct);
        if (product is null)
            return CatalogResult.Fail("This product no longer exists.");

        var oneTime = product is { Kind: ProductKind.AddOn, AddOnBilling: AddOnBilling.OneTime };
        if (CatalogRules.TryTerms(input, oneTime, out var error) is not { } terms)
            return CatalogResult.Fail(error!);

        var price = CatalogPrice.Create(productId, terms);
        db.Prices.Add(price);
        db.Entry(price).Property(NicknameProperty).CurrentValue = string.IsNullOrWhiteSpace(input.Nickname) ? null : input.Nickname.Trim();
        Audit(db, "catalog.price.add", $"Added price {terms.Amount.Display()} every {terms.IntervalCount} {terms.Interval.ToString().ToLowerInvariant()}(s) to “{product.Name}”", "product", productId);
        await db.SaveChangesAsync(ct);
        return CatalogResult.Ok(price.Id);
    }

    /// <summary>Stops selling a price to new buyers; subscriptions already on it keep renewing on it (grandfathering).</summary>
    public Task<CatalogResult> ArchivePriceAsync(Guid priceId, CancellationToken ct = default) =>
        ChangePriceAsync(priceId, p => p.Archive(clock.GetUtcNow()), "catalog.price.archive", "Archived", ct);

    public Task<CatalogResult> UnarchivePriceAsync(Guid priceId, CancellationToken ct = default) =>
        ChangePriceAsync(priceId, p => p.Unarchive(), "catalog.price.unarchive", "Restored", ct);

    private async Task<CatalogResult> ChangePriceAsync(Guid priceId, Action<CatalogPrice> change, string action, string verb, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var price = await db.Prices.SingleOrDefaultAsync(p => p.Id == priceId, ct)
                ?? throw new DomainException("This price no longer exists.");
            change(price);
            Audit(db, action, $"{verb} the {price.Terms.Amount.Display()} price", "product", price.ProductId);
            await db.SaveChangesAsync(ct);
            return CatalogResult.Ok(price.Id);
        }
        catch (DomainException ex)
        {
            return CatalogResult.Fail(ex.Message);
        }
    }

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

    public async Task<CatalogResult> CreateCouponAsync(CouponInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            var months = input.Duration == CouponDuration.Repeating ? input.DurationInMonths : null;
            CouponTerms terms;
            if (input.DiscountKind == CouponDiscountKind.Percent)
            {
                terms = CouponTerms.Percent(input.Code, input.Value, input.Duration, months);
            }
            else
            {
                var currency = (input.Currency ?? "").Trim().ToUpperInvariant();
                CatalogRules.Require(CatalogRules.CheckCurrency(currency), CatalogRules.CheckAmount(input.Value, currency, "The discount"));
                terms = CouponTerms.Amount(input.Code, Money.FromDecimal(input.Value, currency), input.Duration, months);
            }

            // The code works through the whole last day (UTC), so it expires at the following midnight.
            DateTimeOffset? expiresAt = input.LastDay is { } lastDay
                ? new DateTimeOffset(DateOnly.FromDateTime(lastDay).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : null;
            if (expiresAt <= clock.GetUtcNow())
                throw new DomainException("The last day of the coupon has already passed; choose a later date or leave it empty.");

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var productIds = input.ProductIds.Distinct().ToList();
            if (productIds.Count > 0 && await db.Products.CountAsync(p => productIds.Contains(p.Id), ct) != productIds.Count)
                throw new DomainException("One of the products this coupon is restricted to no longer exists.");

            var coupon = Coupon.Create(terms, expiresAt, input.MaxRedemptions, productIds);
            if (await db.Coupons.AnyAsync(c => EF.Property<string>(c, CouponCodeProperty) == coupon.Code, ct))
                throw new DomainException(CodeTaken(coupon.Code));

            db.Coupons.Add(coupon);
            db.Entry(coupon).Property(CouponCodeProperty).CurrentValue = coupon.Code;
            Audit(db, "catalog.coupon.create", $"Created coupon {coupon.Code}", "coupon", coupon.Id);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                if (await FindCouponAsync(coupon.Code, ct) is not null)
                    throw new DomainException(CodeTaken(coupon.Code));
                throw;
            }
            return CatalogResult.Ok(coupon.Id);
        }
        catch (DomainException ex)
        {
            return CatalogResult.Fail(ex.Message);
        }
    }

    private static string CodeTaken(string code) => $"There is already a coupon {code} (codes ignore letter case); choose another code.";

    /// <summary>Removes a coupon so nobody new can redeem it; subscriptions already discounted keep their copy of its terms.</summary>
    public async Task<CatalogResult> DeleteCouponAsync(Guid couponId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var coupon = await db.Coupons.SingleOrDefaultAsync(c => c.Id == couponId, ct);
        if (coupon is null)
            return CatalogResult.Fail("This coupon no longer exists.");
        db.Coupons.Remove(coupon);
        Audit(db, "catalog.coupon.delete", $"Deleted coupon {db.Entry(coupon).Property(CouponCodeProperty).CurrentValue}", "coupon", couponId);
        await db.SaveChangesAsync(ct);
        return CatalogResult.Ok(couponId);
    }

    private void Audit(AppDbContext db, string action, string summary, string targetType, Guid targetId) =>
        audit.Add(db, AuditAmbient.Current ?? AuditActor.System, action, summary, targetType, targetId.ToString());

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

    /// <summary>Sets the "Most popular" tier: automatic, none, or a visible membership; null when saved, else why not.</summary>
    public async Task<string?> SetPopularAsync(PopularChoice choice, CancellationToken ct = default)
    {
        if (choice.ProductId is { } id)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Products.AnyAsync(p => p.Id == id && p.Kind == ProductKind.Membership, ct))
                return "Choose one of your memberships, none, or automatic.";
        }
        await settings.SetAsync(PopularChoice.SettingKey, choice.Value, ct);
        return null;
    }

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
