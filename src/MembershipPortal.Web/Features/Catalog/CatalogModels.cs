using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>The product editor's form. Validated by <see cref="CatalogRules"/> in the form and again by the service.</summary>
public sealed class ProductInput
{
    public ProductKind Kind { get; set; } = ProductKind.Membership;
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string DescriptionMarkdown { get; set; } = "";
    public string? ImageUrl { get; set; }
    /// <summary>One feature per line.</summary>
    public string FeaturesText { get; set; } = "";
    public int Rank { get; set; }
    public bool IsVisible { get; set; } = true;
    public bool AllowPause { get; set; }
    /// <summary>Boxes: changes after the end of this day of the month go to the next cycle.</summary>
    public int BoxCutoffDay { get; set; } = 12;
    /// <summary>Boxes: the day of the month the cycle ships (on or after the cut-off).</summary>
    public int BoxShipDay { get; set; } = 15;
    public AddOnBilling AddOnBilling { get; set; } = AddOnBilling.Recurring;
    public bool ShipsPhysically { get; set; }
    /// <summary>For add-ons: the products they can be attached to; empty means any.</summary>
    public IReadOnlyCollection<Guid> AttachableTo { get; set; } = [];
}

/// <summary>The "Add price" dialog's form. Amounts are in major units (9.50), converted with Money.FromDecimal.</summary>
public sealed class PriceInput
{
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";
    public BillingInterval Interval { get; set; } = BillingInterval.Month;
    public int IntervalCount { get; set; } = 1;
    public int TrialDays { get; set; }
    public decimal? SetupFee { get; set; }
    /// <summary>An internal label such as "Launch offer"; members see the amount and cadence.</summary>
    public string? Nickname { get; set; }
}

public enum CouponDiscountKind { Percent, Amount }

public sealed class CouponInput
{
    public string Code { get; set; } = "";
    public CouponDiscountKind DiscountKind { get; set; } = CouponDiscountKind.Percent;
    /// <summary>A percentage (1-100) or an amount in major units, depending on <see cref="DiscountKind"/>.</summary>
    public decimal Value { get; set; }
    public string Currency { get; set; } = "USD";
    public CouponDuration Duration { get; set; } = CouponDuration.Once;
    public int? DurationInMonths { get; set; }
    /// <summary>The last day the code works (inclusive, UTC); null for no expiry.</summary>
    public DateTime? LastDay { get; set; }
    public int? MaxRedemptions { get; set; }
    public IReadOnlyCollection<Guid> ProductIds { get; set; } = [];
}

public sealed record ProductSummary(Guid Id, ProductKind Kind, string Name, string Slug, int Rank, bool IsVisible, int CurrentPrices, int ArchivedPrices);

public sealed record AdminPrice(Guid Id, Guid ProductId, PriceTerms Terms, string? Nickname, bool IsArchived, DateTimeOffset? ArchivedAt);

public sealed record CouponView(
    Guid Id, string Code, string Discount, CouponDuration Duration, int? DurationInMonths, DateTimeOffset? ExpiresAt,
    bool IsExpired, int TimesRedeemed, int? MaxRedemptions, IReadOnlyList<string> ProductNames);

public enum PricingPeriod { Monthly, Yearly }

public sealed record PublicPrice(Guid Id, PriceTerms Terms, string? Nickname)
{
    public bool IsMonthly => Terms is { Interval: BillingInterval.Month, IntervalCount: 1 };
    public bool IsYearly => Terms is { Interval: BillingInterval.Year, IntervalCount: 1 };
}

/// <summary>A visible product with the prices a new buyer may choose (archived prices are left out).</summary>
public sealed record PublicProduct(
    Guid Id, ProductKind Kind, string Name, string Slug, string DescriptionMarkdown, string? ImageUrl,
    IReadOnlyList<string> Features, int Rank, bool NeedsShipping, AddOnBilling? AddOnBilling, IReadOnlyList<PublicPrice> Prices)
{
    /// <summary>The lowest current plain-monthly price, if any.</summary>
    public PublicPrice? Monthly => Prices.Where(p => p.IsMonthly).MinBy(p => p.Terms.Amount.Minor);

    public PublicPrice? Yearly => Prices.Where(p => p.IsYearly).MinBy(p => p.Terms.Amount.Minor);

    /// <summary>The price to show for the chosen period, falling back to the other period, then to any price.</summary>
    public PublicPrice? PriceFor(PricingPeriod period) =>
        (period == PricingPeriod.Yearly ? Yearly ?? Monthly : Monthly ?? Yearly) ?? Prices.FirstOrDefault();

    /// <summary>What paying yearly saves against twelve monthly payments; see <see cref="SavingsPercentOf"/>.</summary>
    public int? YearlySavingsPercent => Yearly is { } yearly ? SavingsPercentOf(yearly) : null;

    /// <summary>
    /// What a price of several months saves against paying monthly for as long, in whole percent rounded down (never
    /// overstated); null unless there is a monthly price in the same currency and the longer price is cheaper.
    /// </summary>
    public int? SavingsPercentOf(PublicPrice price)
    {
        if (Monthly is not { } monthly || price.Terms.PeriodMonths is not > 1 || monthly.Terms.Currency != price.Terms.Currency)
            return null;
        var asMonthly = monthly.Terms.Amount.Minor * (decimal)price.Terms.PeriodMonths.Value;
        if (asMonthly <= 0 || price.Terms.Amount.Minor >= asMonthly)
            return null;
        var percent = (int)Math.Floor((asMonthly - price.Terms.Amount.Minor) * 100m / asMonthly);
        return percent >= 1 ? percent : null;
    }
}

/// <summary>
/// Everything /pricing shows: membership tiers by rank, then courses and boxes. <paramref name="Popular"/> is the Owner's
/// choice of the tier marked "Most popular" (<see cref="PopularChoice"/>).
/// </summary>
public sealed record PricingCatalog(IReadOnlyList<PublicProduct> Memberships, IReadOnlyList<PublicProduct> Courses, IReadOnlyList<PublicProduct> Boxes,
    PopularChoice? Popular = null)
{
    public bool IsEmpty => Memberships.Count == 0 && Courses.Count == 0 && Boxes.Count == 0;

    /// <summary>The monthly/yearly switch only makes sense when some tier offers both.</summary>
    public bool OffersYearlyChoice => Memberships.Any(m => m.Monthly is not null && m.Yearly is not null);

    /// <summary>
    /// The tier highlighted as most popular: the one the Owner chose while it is on sale, none when they chose none;
    /// otherwise (never chosen, or the chosen one is hidden or has no price) the middle one, the upper middle for an even
    /// count, and none for a single tier.
    /// </summary>
    public Guid? MostPopularId => (Popular ?? PopularChoice.Automatic) switch
    {
        { None: true } => null,
        { ProductId: { } id } when Memberships.Any(m => m.Id == id) => id,
        _ => Memberships.Count >= 2 ? Memberships[Memberships.Count / 2].Id : null,
    };
}

/// <summary>Which membership /pricing marks "Most popular": automatic (the middle tier), none, or one product.</summary>
public sealed record PopularChoice(bool None, Guid? ProductId)
{
    public const string SettingKey = "catalog.most-popular";

    public static readonly PopularChoice Automatic = new(false, null);

    /// <summary>The setting's value: "none", a product id, or anything else (absent) for automatic.</summary>
    public static PopularChoice Parse(string? value) =>
        value == "none" ? new(true, null) : Guid.TryParse(value, out var id) ? new(false, id) : Automatic;

    public string Value => None ? "none" : ProductId?.ToString() ?? "auto";
}

/// <summary>/products/{slug}: the product, the add-ons that can go with it, and for an add-on the products it goes with.</summary>
public sealed record ProductDetails(PublicProduct Product, IReadOnlyList<PublicProduct> AddOns, IReadOnlyList<PublicProduct> AttachesTo);
