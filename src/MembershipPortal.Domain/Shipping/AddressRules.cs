using System.Text.RegularExpressions;

namespace MembershipPortal.Domain.Shipping;

/// <summary>A postal address as entered (untrusted) or as stored (normalised by <see cref="AddressRules.Normalize"/>).</summary>
public sealed record PostalAddress(string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

/// <summary>
/// Which addresses boxes can go to: the countries we know the shape of, their required fields and their postal-code
/// shape. Checked on the normalised address (trimmed, upper-case country and postal code, a missing space put back in
/// Canadian, British and Dutch codes), so "sw1a1aa" is stored as "SW1A 1AA".
/// </summary>
public static partial class AddressRules
{
    public const int MaxName = 120, MaxLine = 200, MaxCity = 100, MaxRegion = 100, MaxPostalCode = 20;

    private sealed record CountryRule(string Name, Regex Postal, string PostalExample, IReadOnlySet<string>? Regions, string RegionLabel);

    private static readonly IReadOnlySet<string> UsStates = new HashSet<string>(StringComparer.Ordinal)
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
        "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
        "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP",
    };

    private static readonly IReadOnlySet<string> CaProvinces = new HashSet<string>(StringComparer.Ordinal)
        { "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT" };

    private static readonly IReadOnlySet<string> AuStates = new HashSet<string>(StringComparer.Ordinal)
        { "ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA" };

    private static readonly IReadOnlyDictionary<string, CountryRule> Rules = new Dictionary<string, CountryRule>(StringComparer.Ordinal)
    {
        ["US"] = new("United States", UsZip(), "12345 or 12345-6789", UsStates, "state"),
        ["CA"] = new("Canada", CaPostal(), "K1A 0B1", CaProvinces, "province"),
        ["GB"] = new("United Kingdom", GbPostcode(), "SW1A 1AA", null, ""),
        ["DE"] = new("Germany", FiveDigits(), "10115", null, ""),
        ["FR"] = new("France", FiveDigits(), "75001", null, ""),
        ["AU"] = new("Australia", FourDigits(), "2000", AuStates, "state or territory"),
        ["NL"] = new("Netherlands", NlPostal(), "1011 AB", null, ""),
        ["IE"] = new("Ireland", IeEircode(), "D02 X285", null, ""),
    };

    /// <summary>The ISO codes of the countries we can validate, in display order.</summary>
    public static IReadOnlyList<string> SupportedCountries { get; } = [.. Rules.Keys];

    public static string CountryName(string code) => Rules.TryGetValue(code, out var rule) ? rule.Name : code;

    /// <summary>Trims every field, drops an empty second line or region, upper-cases country, region and postal code and puts back the space in CA, GB and NL codes.</summary>
    public static PostalAddress Normalize(PostalAddress a)
    {
        var country = (a.Country ?? "").Trim().ToUpperInvariant();
        var postal = Regex.Replace((a.PostalCode ?? "").Trim().ToUpperInvariant(), @"\s+", " ");
        var compact = postal.Replace(" ", "", StringComparison.Ordinal);
        postal = country switch
        {
            "CA" when compact.Length == 6 => $"{compact[..3]} {compact[3..]}",
            "GB" when compact.Length is >= 5 and <= 7 => $"{compact[..^3]} {compact[^3..]}",
            "NL" when compact.Length == 6 => $"{compact[..4]} {compact[4..]}",
            "IE" when compact.Length == 7 => $"{compact[..3]} {compact[3..]}",
            _ => postal,
        };
        var region = string.IsNullOrWhiteSpace(a.Region) ? null : a.Region.Trim();
        if (region is not null && Rules.TryGetValue(country, out var rule) && rule.Regions is not null)
            region = region.ToUpperInvariant();
        return new PostalAddress((a.Name ?? "").Trim(), (a.Line1 ?? "").Trim(), string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2.Trim(),
            (a.City ?? "").Trim(), region, postal, country);
    }

    /// <summary>
    /// Every problem with the address (empty when it can be shipped to). <paramref name="shipsTo"/> narrows the supported
    /// countries to the Owner's list; null means every supported country.
    /// </summary>
    public static IReadOnlyList<string> Validate(PostalAddress address, IReadOnlySet<string>? shipsTo = null)
    {
        var a = Normalize(address);
        var problems = new List<string>();
        Require(a.Name, "the recipient's name", MaxName);
        Require(a.Line1, "the street address", MaxLine);
        if (a.Line2 is { Length: > MaxLine })
            problems.Add($"The second address line can be at most {MaxLine} characters.");
        Require(a.City, "the city", MaxCity);
        if (!Rules.TryGetValue(a.Country, out var rule))
        {
            problems.Add(a.Country.Length == 0 ? "Choose the country." : $"We do not ship to '{Shorten(a.Country)}'.");
            return problems;
        }
        if (shipsTo is not null && !shipsTo.Contains(a.Country))
            problems.Add($"We do not ship to {rule.Name} at the moment.");
        if (a.PostalCode.Length == 0)
            problems.Add($"Enter the postal code (for {rule.Name}, like {rule.PostalExample}).");
        else if (a.PostalCode.Length > MaxPostalCode || !rule.Postal.IsMatch(a.PostalCode))
            problems.Add($"'{Shorten(a.PostalCode)}' is not a postal code in {rule.Name}; it looks like {rule.PostalExample}.");
        if (rule.Regions is not null)
        {
            if (a.Region is null)
                problems.Add($"Enter the {rule.RegionLabel}.");
            else if (!rule.Regions.Contains(a.Region))
                problems.Add($"'{Shorten(address.Region!.Trim())}' is not a {rule.RegionLabel} code in {rule.Name}, such as {rule.Regions.First()}.");
        }
        else if (a.Region is { Length: > MaxRegion })
            problems.Add($"The region can be at most {MaxRegion} characters.");
        if (new[] { a.Name, a.Line1, a.Line2 ?? "", a.City, a.Region ?? "", a.PostalCode }.Any(f => f.Any(char.IsControl)))
            problems.Add("Addresses are written on one line per field.");
        return problems;

        void Require(string value, string what, int max)
        {
            if (value.Length == 0)
                problems.Add($"Enter {what}.");
            else if (value.Length > max)
                problems.Add($"{char.ToUpperInvariant(what[0])}{what[1..]} can be at most {max} characters.");
        }
    }

    private static string Shorten(string s) => s.Length > 24 ? s[..24] + "…" : s;

    [GeneratedRegex(@"^\d{5}(-\d{4})?$")] private static partial Regex UsZip();
    // Canada: no D, F, I, O, Q or U anywhere, and no W or Z first.
    [GeneratedRegex(@"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$")] private static partial Regex CaPostal();
    [GeneratedRegex(@"^([A-Z]{1,2}\d[A-Z\d]?|GIR) \d[A-Z]{2}$")] private static partial Regex GbPostcode();
    [GeneratedRegex(@"^\d{5}$")] private static partial Regex FiveDigits();
    [GeneratedRegex(@"^\d{4}$")] private static partial Regex FourDigits();
    // Dutch codes never start with 0, and SA, SD and SS are not used.
    [GeneratedRegex(@"^[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}$")] private static partial Regex NlPostal();
    [GeneratedRegex(@"^[AC-FHKNPRTV-Y]\d[\dW] [AC-FHKNPRTV-Y\d]{4}$")] private static partial Regex IeEircode();
}
