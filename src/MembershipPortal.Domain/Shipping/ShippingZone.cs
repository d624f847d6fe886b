using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Shipping;

/// <summary>
/// A shipping zone: a set of countries with one flat rate per parcel, and optionally a threshold from which the parcel ships
/// free (<see cref="FreeFrom"/>, in the rate's currency).
/// </summary>
public sealed record ShippingZone(string Name, IReadOnlySet<string> Countries, Money Rate, Money? FreeFrom = null);

/// <summary>
/// The shipping rules of zones. Each country is in at most one zone; with no zone at all every country the address rules
/// know ships free (how the portal behaved before rates existed), and once a zone exists only its countries are accepted for
/// new addresses. A charge that pays for goods that ship adds its zone's rate, once per parcel, when the rate is in the
/// charge's currency; when the goods on that charge (the items after discounts, before shipping) reach the zone's threshold
/// the parcel ships free.
/// </summary>
public static class ShippingZoneRules
{
    public const int MaxNameLength = 64;
    public const long MaxRateMinor = 100_000;

    /// <summary>The zone that ships to <paramref name="country"/>, or null.</summary>
    public static ShippingZone? ZoneFor(IEnumerable<ShippingZone> zones, string? country) =>
        country is null ? null : zones.FirstOrDefault(z => z.Countries.Contains(country));

    /// <summary>What one parcel to <paramref name="country"/> costs on a charge for <paramref name="goods"/>; null when nothing is charged.</summary>
    public static Money? ChargeFor(IEnumerable<ShippingZone> zones, string? country, Money goods)
    {
        if (ZoneFor(zones, country) is not { } zone || zone.Rate.Minor <= 0 || zone.Rate.Currency != goods.Currency)
            return null;
        if (zone.FreeFrom is { } free && free.Currency == goods.Currency && goods.Minor >= free.Minor)
            return null;
        return zone.Rate;
    }

    /// <summary>Why a zone cannot be saved next to <paramref name="others"/> (the other zones); empty when it can.</summary>
    public static IReadOnlyList<string> Validate(ShippingZone zone, IEnumerable<ShippingZone> others)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(zone.Name) || zone.Name.Trim().Length > MaxNameLength)
            problems.Add($"Name the zone (at most {MaxNameLength} characters).");
        if (zone.Countries.Count == 0)
            problems.Add("A zone needs at least one country.");
        if (zone.Countries.FirstOrDefault(c => !AddressRules.SupportedCountries.Contains(c)) is { } unknown)
            problems.Add($"{unknown} is not a country whose addresses the portal can check: {string.Join(", ", AddressRules.SupportedCountries)}.");
        if (zone.Rate.Minor is < 0 or > MaxRateMinor)
            problems.Add("The rate must be between 0 and 1,000.00 per parcel.");
        if (zone.FreeFrom is { } free && (free.Minor <= 0 || free.Currency != zone.Rate.Currency))
            problems.Add("Free shipping starts above zero, in the rate's currency.");
        var list = others.ToList();
        if (list.Any(o => string.Equals(o.Name.Trim(), zone.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            problems.Add($"There is already a zone called {zone.Name.Trim()}.");
        foreach (var country in zone.Countries.Order())
            if (list.FirstOrDefault(o => o.Countries.Contains(country)) is { } taken)
                problems.Add($"{AddressRules.CountryName(country)} is already in {taken.Name}.");
        return problems;
    }
}
