using System.Globalization;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>
/// Input rules for the catalog, shared by the admin forms (live validation) and <see cref="CatalogService"/> (which
/// enforces them again before writing). Each check returns a message fit to show the Owner, or null when fine.
/// </summary>
public static partial class CatalogRules
{
    public const int NameMaxLength = 120, SlugMaxLength = 80, DescriptionMaxLength = 20_000, ImageUrlMaxLength = 500;
    public const int MaxFeatures = 20, FeatureMaxLength = 200, NicknameMaxLength = 80, MaxRank = 1000;
    public const decimal MaxAmount = 1_000_000m;
    /// <summary>Stripe's limits: a trial of up to two years, a period of up to three years.</summary>
    public const int MaxTrialDays = 730;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugCharacters();

    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the product a name."
        : name.Trim().Length > NameMaxLength ? $"Keep the name to {NameMaxLength} characters."
        : null;

    public static string? CheckSlug(string? slug) =>
        string.IsNullOrWhiteSpace(slug) ? "Give the product a slug: it is the address of its page, /products/<slug>."
        : slug.Length > SlugMaxLength ? $"Keep the slug to {SlugMaxLength} characters."
        : !SlugPattern().IsMatch(slug) ? $"'{slug}' is not a valid slug: use lower-case letters, digits and single dashes between them (e.g. tea-box)."
        : null;

    /// <summary>A slug suggestion for a name: "Monthly Tea Box!" gives "monthly-tea-box".</summary>
    public static string SlugFrom(string? name)
    {
        var plain = new string((name ?? "").Normalize(System.Text.NormalizationForm.FormD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
        var slug = NonSlugCharacters().Replace(plain.ToLowerInvariant(), "-").Trim('-');
        return slug.Length <= SlugMaxLength ? slug : slug[..SlugMaxLength].TrimEnd('-');
    }

    public static string? CheckRank(int rank) =>
        rank is < 0 or > MaxRank ? $"Rank must be between 0 and {MaxRank}." : null;

    public static string? CheckDescription(string? markdown) =>
        (markdown ?? "").Length > DescriptionMaxLength ? $"Keep the description to {DescriptionMaxLength:N0} characters." : null;

    /// <summary>An absolute http(s) address or a path on this site; nothing that could break out of an attribute.</summary>
    public static string? CheckImageUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return null;
        url = url.Trim();
        if (url.Length > ImageUrlMaxLength)
            return $"Keep the image address to {ImageUrlMaxLength} characters.";
        var safeCharacters = url.All(c => c > ' ' && c < 127 && c is not ('"' or '\'' or '<' or '>' or '\\' or '(' or ')' or '`'));
        var sitePath = url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal);
        var web = Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
        return safeCharacters && (sitePath || web) ? null : "The image must be an https:// address or a path on this site such as /images/box.jpg.";
    }

    /// <summary>One feature per line; blank lines are dropped.</summary>
    public static IReadOnlyList<string> ParseFeatures(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    public static string? CheckFeatures(string? text)
    {
        var features = ParseFeatures(text);
        if (features.Count > MaxFeatures)
            return $"List at most {MaxFeatures} features.";
        return features.FirstOrDefault(f => f.Length > FeatureMaxLength) is { } longOne
            ? $"Keep each feature to {FeatureMaxLength} characters; \"{longOne[..40]}...\" is longer."
            : null;
    }

    public static string? CheckCurrency(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetter) ? null : "Use a three-letter currency code such as USD or EUR.";

    /// <summary>An amount the Owner typed, in major units; it must fit the currency's decimals exactly (no silent rounding).</summary>
    public static string? CheckAmount(decimal amount, string? currency, string what = "The amount")
    {
        if (amount < 0)
            return $"{what} cannot be negative.";
        if (amount >= MaxAmount)
            return $"{what} must be less than {MaxAmount:N0}.";
        if (CheckCurrency(currency) is null && decimal.Round(amount, Money.Decimals(currency!)) != amount)
            return $"{what} has more decimals than {currency!.ToUpperInvariant()} allows ({Money.Decimals(currency!)}).";
        return null;
    }

    public static string? CheckIntervalCount(BillingInterval interval, int count)
    {
        var max = interval switch { BillingInterval.Day => 1095, BillingInterval.Week => 156, BillingInterval.Month => 36, _ => 3 };
        return count < 1 || count > max
            ? $"Renew every 1 to {max} {interval.ToString().ToLowerInvariant()}s (at most three years)."
            : null;
    }

    public static string? CheckTrialDays(int days) =>
        days is < 0 or > MaxTrialDays ? $"Trial days must be between 0 and {MaxTrialDays}." : null;

    public static string? CheckNickname(string? nickname) =>
        (nickname ?? "").Trim().Length > NicknameMaxLength ? $"Keep the label to {NicknameMaxLength} characters." : null;

    /// <summary>The domain's own code rule (1-64 letters, digits, '-' or '_'), as a form message.</summary>
    public static string? CheckCouponCode(string? code)
    {
        try
        {
            CouponTerms.NormalizeCode(code ?? "");
            return null;
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
    }

    public static string? CheckCouponValue(CouponDiscountKind kind, decimal value, string? currency) => kind == CouponDiscountKind.Percent
        ? value is < 1 or > 100 ? "A percentage must be between 1 and 100." : null
        : value <= 0 ? "The amount off must be more than zero." : CheckAmount(value, currency, "The amount off");

    /// <summary>
    /// The terms a price form describes, or null with the first problem. A one-time add-on is charged once, so its
    /// price has no trial and the cadence (which terms need) is fixed at one month and never shown.
    /// </summary>
    public static PriceTerms? TryTerms(PriceInput input, bool oneTime, out string? error)
    {
        var currency = (input.Currency ?? "").Trim().ToUpperInvariant();
        var (interval, count) = oneTime ? (BillingInterval.Month, 1) : (input.Interval, input.IntervalCount);
        error = new[]
        {
            CheckCurrency(currency),
            CheckAmount(input.Amount, currency, "The price"),
            input.SetupFee is { } fee ? CheckAmount(fee, currency, "The setup fee") : null,
            Enum.IsDefined(interval) ? CheckIntervalCount(interval, count) : "Choose how often the price renews.",
            CheckTrialDays(input.TrialDays),
            oneTime && input.TrialDays > 0 ? "A one-time add-on has no trial." : null,
            CheckNickname(input.Nickname),
        }.FirstOrDefault(m => m is not null);
        if (error is not null)
            return null;
        try
        {
            return new PriceTerms(Money.FromDecimal(input.Amount, currency), interval, count, input.TrialDays,
                input.SetupFee is { } setup ? Money.FromDecimal(setup, currency) : null);
        }
        catch (DomainException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Throws the first message, for the service (the forms show them one per field).</summary>
    internal static void Require(params string?[] messages)
    {
        if (messages.FirstOrDefault(m => m is not null) is { } message)
            throw new DomainException(message);
    }
}
