using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using ZoneRow = MembershipPortal.Infrastructure.Boxes.ShippingZone;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>A zone as the admin page shows it.</summary>
public sealed record ZoneView(int Id, string Name, IReadOnlyList<string> Countries, Money Rate, Money? FreeFrom)
{
    public string CountryNames => string.Join(", ", Countries.Select(AddressRules.CountryName));
}

/// <summary>What the Owner types for a zone: name, countries, the rate per parcel and the optional free-shipping threshold (minor units).</summary>
public sealed record ZoneInput(string? Name, IReadOnlyCollection<string> Countries, long RateMinor, string? Currency, long? FreeFromMinor);

/// <summary>
/// Shipping zones (<see cref="ShippingZoneRules"/>): where parcels ship and what each costs. The rate is charged with each
/// payment for goods that ship (checkout and every renewal that is not a skipped cycle), once per parcel, unless the goods on
/// that payment reach the zone's free-shipping threshold. With no zone, every country the address rules know ships free; once
/// one exists only zone countries are accepted for new addresses. Only the Owner changes zones; each change is audited.
/// </summary>
public sealed class ShippingZones(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<ZoneView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return [.. (await db.ShippingZones.AsNoTracking().Include(z => z.Countries).ToListAsync(ct)).OrderBy(z => z.Name, StringComparer.OrdinalIgnoreCase)
            .Select(z => new ZoneView(z.Id, z.Name, [.. z.Countries.Select(c => c.Country).OrderBy(AddressRules.CountryName)], new Money(z.AmountMinor, z.Currency),
                z.FreeFromMinor is { } f ? new Money(f, z.Currency) : null))];
    }

    internal static async Task<List<ShippingZone>> LoadAsync(AppDbContext db, CancellationToken ct) =>
        [.. (await db.ShippingZones.AsNoTracking().Include(z => z.Countries).ToListAsync(ct)).Select(ToDomain)];

    private static ShippingZone ToDomain(ZoneRow z) =>
        new(z.Name, z.Countries.Select(c => c.Country).ToHashSet(StringComparer.Ordinal), new Money(z.AmountMinor, z.Currency),
            z.FreeFromMinor is { } f ? new Money(f, z.Currency) : null);

    /// <summary>The zones' countries, or null when there is no zone (every supported country ships).</summary>
    public async Task<IReadOnlySet<string>?> CountriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await CountriesAsync(db, ct);
    }

    internal static async Task<IReadOnlySet<string>?> CountriesAsync(AppDbContext db, CancellationToken ct)
    {
        var countries = await db.ShippingZoneCountries.AsNoTracking().Select(c => c.Country).ToListAsync(ct);
        return countries.Count == 0 ? null : countries.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The countries to offer in address forms.</summary>
    public async Task<IReadOnlyList<string>> OfferedCountriesAsync(CancellationToken ct = default) =>
        await CountriesAsync(ct) is { } set ? [.. AddressRules.SupportedCountries.Where(set.Contains)] : AddressRules.SupportedCountries;

    /// <summary>The shipping line for one parcel to <paramref name="country"/> on a charge for <paramref name="goods"/>, or null when nothing is charged.</summary>
    internal static async Task<InvoiceLine?> LineAsync(AppDbContext db, string? country, Money goods, bool chargedNow, CancellationToken ct) =>
        country is not null && ShippingZoneRules.ChargeFor(await LoadAsync(db, ct), country, goods) is { } rate
            ? new InvoiceLine(InvoiceLineKind.Shipping, null, $"Shipping to {AddressRules.CountryName(country)}", 1, rate, chargedNow)
            : null;

    /// <summary>
    /// The shipping line a renewal of <paramref name="sub"/> for <paramref name="goods"/> adds: its zone's rate for its
    /// shipping address's country when it mails something, or null. The portal's own renewal charges it; for a subscription
    /// Stripe bills it is the recurring shipping line Stripe charges (set at checkout, recorded from its webhooks), whatever
    /// the zones say today.
    /// </summary>
    internal static async Task<InvoiceLine?> RenewalLineAsync(AppDbContext db, Subscription sub, Money goods, CancellationToken ct)
    {
        if (!await ShipsAsync(db, sub, ct))
            return null;
        var record = await db.SubscriptionRecords.AsNoTracking().Where(r => r.SubscriptionId == sub.Id)
            .Select(r => new { r.Gateway, r.ShippingAddress!.Country }).FirstOrDefaultAsync(ct);
        if (record is null)
            return null;
        if (record.Gateway != MembershipPortal.Infrastructure.Payments.Stripe.StripePaymentGateway.GatewayName)
            return await LineAsync(db, record.Country, goods, true, ct);
        var billed = await MembershipPortal.Infrastructure.Payments.Stripe.StripeShippingCharge.GetAsync(db, sub.Id, ct);
        return billed <= 0 ? null
            : new InvoiceLine(InvoiceLineKind.Shipping, null, record.Country is { } c ? $"Shipping to {AddressRules.CountryName(c)}" : "Shipping", 1,
                new Money(billed, sub.Currency), true);
    }

    /// <summary>Whether a subscription's items include something that is mailed (a box or a mailed add-on).</summary>
    internal static Task<bool> ShipsAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        var ids = sub.Items.Select(i => i.ProductId).ToList();
        return db.Products.AsNoTracking().AnyAsync(p => ids.Contains(p.Id) &&
            (p.Kind == Domain.Catalog.ProductKind.Box || (p.Kind == Domain.Catalog.ProductKind.AddOn && p.ShipsPhysically)), ct);
    }

    /// <summary>Adds a zone (<paramref name="id"/> null) or changes one (Owner only); null when saved, else why not (nothing changed).</summary>
    public async Task<string?> SaveAsync(int? id, ZoneInput input, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change where parcels ship.";
        var currency = (input.Currency ?? "").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            return "The currency is a three-letter code, such as USD.";
        var countries = input.Countries.Select(c => (c ?? "").Trim().ToUpperInvariant()).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
        var zone = new ShippingZone((input.Name ?? "").Trim(), countries, new Money(input.RateMinor, currency),
            input.FreeFromMinor is { } free ? new Money(free, currency) : null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ShippingZones.Include(z => z.Countries).ToListAsync(ct);
        var row = id is { } zoneId ? rows.FirstOrDefault(z => z.Id == zoneId) : null;
        if (id is not null && row is null)
            return "This zone no longer exists.";
        var problems = ShippingZoneRules.Validate(zone, rows.Where(r => r != row).Select(ToDomain));
        if (problems.Count > 0)
            return string.Join(" ", problems);

        var before = row is null ? null : Describe(ToDomain(row));
        if (row is null)
            db.ShippingZones.Add(row = new ZoneRow { Name = zone.Name, Currency = currency });
        (row.Name, row.AmountMinor, row.Currency, row.FreeFromMinor, row.UpdatedAt) = (zone.Name, zone.Rate.Minor, currency, zone.FreeFrom?.Minor, clock.GetUtcNow());
        db.ShippingZoneCountries.RemoveRange(row.Countries.Where(c => !countries.Contains(c.Country)));
        foreach (var country in countries.Where(c => row.Countries.All(x => x.Country != c)))
            row.Countries.Add(new Infrastructure.Boxes.ShippingZoneCountry { Country = country });
        audit.Add(db, actor, "boxes.shipping-zone", $"Shipping zone {zone.Name}: {Describe(zone)}", "shipping-zone", zone.Name, before, Describe(zone));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Deletes a zone (Owner only): its countries no longer ship. Subscriptions already shipping there keep their address.</summary>
    public async Task<string?> DeleteAsync(int id, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change where parcels ship.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ShippingZones.Include(z => z.Countries).FirstOrDefaultAsync(z => z.Id == id, ct);
        if (row is null)
            return null;
        db.ShippingZones.Remove(row);
        audit.Add(db, actor, "boxes.shipping-zone", $"Deleted shipping zone {row.Name}", "shipping-zone", row.Name, Describe(ToDomain(row)), null);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private static string Describe(ShippingZone z) =>
        $"{string.Join(", ", z.Countries.Order())}: {(z.Rate.Minor == 0 ? "free" : z.Rate.Display())} per parcel"
        + (z.FreeFrom is { } f ? $", free from {f.Display()}" : "");
}
