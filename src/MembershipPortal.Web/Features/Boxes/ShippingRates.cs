using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

public sealed record RateView(string Country, string CountryName, Money Rate);

/// <summary>
/// The countries the Owner ships to, each with a flat rate per box. With no country set every country the address rules
/// know ships free (how the portal behaved before rates existed); once one is set, only the listed countries are accepted
/// for new addresses. The rate is charged with each box's payment (checkout and every renewal that is not a skipped box)
/// when it is in the subscription's currency. Only the Owner changes the list; each change is audited.
/// </summary>
public sealed class ShippingRates(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public const long MaxRateMinor = 100_000;

    public async Task<IReadOnlyList<RateView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return [.. (await db.ShippingRates.AsNoTracking().ToListAsync(ct)).OrderBy(r => AddressRules.CountryName(r.Country))
            .Select(r => new RateView(r.Country, AddressRules.CountryName(r.Country), new Money(r.AmountMinor, r.Currency)))];
    }

    /// <summary>The Owner's countries, or null when none is set (every supported country ships).</summary>
    public async Task<IReadOnlySet<string>?> CountriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await CountriesAsync(db, ct);
    }

    internal static async Task<IReadOnlySet<string>?> CountriesAsync(AppDbContext db, CancellationToken ct)
    {
        var countries = await db.ShippingRates.AsNoTracking().Select(r => r.Country).ToListAsync(ct);
        return countries.Count == 0 ? null : countries.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The countries to offer in address forms.</summary>
    public async Task<IReadOnlyList<string>> OfferedCountriesAsync(CancellationToken ct = default) =>
        await CountriesAsync(ct) is { } set ? [.. AddressRules.SupportedCountries.Where(set.Contains)] : AddressRules.SupportedCountries;

    /// <summary>The shipping line for one box to <paramref name="country"/>, or null when nothing is charged.</summary>
    internal static async Task<InvoiceLine?> LineAsync(AppDbContext db, string? country, string currency, bool chargedNow, CancellationToken ct)
    {
        if (country is null)
            return null;
        var rate = await db.ShippingRates.AsNoTracking().FirstOrDefaultAsync(r => r.Country == country, ct);
        return rate is null || rate.AmountMinor <= 0 || rate.Currency != currency ? null
            : new InvoiceLine(InvoiceLineKind.Shipping, null, $"Shipping to {AddressRules.CountryName(country)}", 1, new Money(rate.AmountMinor, rate.Currency), chargedNow);
    }

    /// <summary>
    /// The shipping line a renewal of <paramref name="sub"/> adds: the rate for its shipping address's country when it mails
    /// something, or null. The portal's own renewal charges it; for a subscription Stripe bills it is the recurring shipping
    /// line Stripe charges (set at checkout, recorded from its webhooks), whatever the rate table says today.
    /// </summary>
    internal static async Task<InvoiceLine?> RenewalLineAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        if (!await ShipsAsync(db, sub, ct))
            return null;
        var record = await db.SubscriptionRecords.AsNoTracking().Where(r => r.SubscriptionId == sub.Id)
            .Select(r => new { r.Gateway, r.ShippingAddress!.Country }).FirstOrDefaultAsync(ct);
        if (record is null)
            return null;
        if (record.Gateway != StripePaymentGateway.GatewayName)
            return await LineAsync(db, record.Country, sub.Currency, true, ct);
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

    /// <summary>Adds or changes a country's rate (Owner only); null when saved, else why not.</summary>
    public async Task<string?> SetAsync(string? country, long amountMinor, string? currency, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change where boxes ship.";
        var code = (country ?? "").Trim().ToUpperInvariant();
        if (!AddressRules.SupportedCountries.Contains(code))
            return $"Choose one of the countries whose addresses the portal can check: {string.Join(", ", AddressRules.SupportedCountries)}.";
        if (amountMinor is < 0 or > MaxRateMinor)
            return "The rate must be between 0 and 1,000.00 per box.";
        var cur = (currency ?? "").Trim().ToUpperInvariant();
        if (cur.Length != 3 || !cur.All(char.IsAsciiLetterUpper))
            return "The currency is a three-letter code, such as USD.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ShippingRates.FirstOrDefaultAsync(r => r.Country == code, ct);
        var before = row is null ? null : new Money(row.AmountMinor, row.Currency).Display();
        if (row is null)
            db.ShippingRates.Add(row = new ShippingRate { Country = code, Currency = cur });
        (row.AmountMinor, row.Currency, row.UpdatedAt) = (amountMinor, cur, clock.GetUtcNow());
        audit.Add(db, actor, "boxes.shipping-rate", $"Shipping to {AddressRules.CountryName(code)}: {new Money(amountMinor, cur).Display()} per box", "country", code,
            before, new Money(amountMinor, cur).Display());
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Stops shipping to a country (Owner only). Subscriptions already shipping there keep their address.</summary>
    public async Task<string?> RemoveAsync(string country, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change where boxes ship.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ShippingRates.FirstOrDefaultAsync(r => r.Country == country, ct);
        if (row is null)
            return null;
        db.ShippingRates.Remove(row);
        audit.Add(db, actor, "boxes.shipping-rate", $"Stopped shipping to {AddressRules.CountryName(country)}", "country", country,
            new Money(row.AmountMinor, row.Currency).Display(), null);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
