using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>An address-book entry and the names of the live subscriptions that ship to it.</summary>
public sealed record AddressView(Guid Id, string? Label, PostalAddress Address, IReadOnlyList<string> UsedBy)
{
    public string OneLine => string.Join(", ", new[] { Address.Name, Address.Line1, Address.Line2, $"{Address.City} {Address.Region} {Address.PostalCode}".Trim(), Address.Country }
        .Where(p => !string.IsNullOrWhiteSpace(p)));
}

/// <summary>
/// A member's address book (/account/addresses) and which address each box subscription ships to. Addresses are checked
/// by <see cref="AddressRules"/> against the countries the Owner ships to and stored normalised. A subscription keeps a
/// copy of its address (what shipment generation reads): choosing another address or editing the chosen one updates the
/// copy, so it applies to every box generated afterwards, and a box already generated keeps its own snapshot. Everything
/// is looked up by the signed-in member's id; another member's address or subscription is simply not found.
/// </summary>
public sealed class AddressBook(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxAddresses = 20;
    private static readonly SubscriptionStatus[] Ended = [SubscriptionStatus.Canceled];

    public async Task<IReadOnlyList<AddressView>> ListAsync(string memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AdoptSubscriptionAddressesAsync(db, memberId, ct);
        var addresses = await db.MemberAddresses.AsNoTracking().Where(a => a.MemberId == memberId).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var uses = await UsesAsync(db, memberId, ct);
        return [.. addresses.Select(a => new AddressView(a.Id, a.Label, ToPostal(a), uses.Where(u => u.AddressId == a.Id).Select(u => u.Name).ToList()))];
    }

    /// <summary>Adds (<paramref name="id"/> null) or changes an address; returns its id or every problem (then nothing is saved).</summary>
    public async Task<(Guid? Id, IReadOnlyList<string> Problems)> SaveAsync(string memberId, Guid? id, string? label, PostalAddress input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var problems = AddressRules.Validate(input, await ShippingZones.CountriesAsync(db, ct)).ToList();
        label = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        if (label is { Length: > 40 })
            problems.Add("The label can be at most 40 characters.");
        MemberAddress? row = null;
        if (id is { } existing && (row = await db.MemberAddresses.FirstOrDefaultAsync(a => a.Id == existing && a.MemberId == memberId, ct)) is null)
            problems.Add("This address is not in your address book.");
        if (row is null && await db.MemberAddresses.CountAsync(a => a.MemberId == memberId, ct) >= MaxAddresses)
            problems.Add($"An address book holds at most {MaxAddresses} addresses; delete one first.");
        if (problems.Count > 0)
            return (null, problems);

        var now = clock.GetUtcNow();
        var a = AddressRules.Normalize(input);
        if (row is null)
            db.MemberAddresses.Add(row = new MemberAddress { MemberId = memberId, Name = "", Line1 = "", City = "", PostalCode = "", Country = "", CreatedAt = now });
        Copy(a, row);
        (row.Label, row.UpdatedAt) = (label, now);
        // Subscriptions shipping here follow the change for every box not generated yet.
        foreach (var record in await db.SubscriptionRecords.Where(r => r.AddressId == row.Id).ToListAsync(ct))
            record.ShippingAddress = ToShipping(a);
        await db.SaveChangesAsync(ct);
        return (row.Id, []);
    }

    /// <summary>Deletes an address no live subscription ships to.</summary>
    public async Task<string?> DeleteAsync(string memberId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.MemberAddresses.FirstOrDefaultAsync(a => a.Id == id && a.MemberId == memberId, ct);
        if (row is null)
            return "This address is not in your address book.";
        var users = (await UsesAsync(db, memberId, ct)).Where(u => u.AddressId == id).Select(u => u.Name).ToList();
        if (users.Count > 0)
            return $"{string.Join(" and ", users)} ships to this address; choose another address for it first.";
        foreach (var record in await db.SubscriptionRecords.Where(r => r.AddressId == id).ToListAsync(ct))
            record.AddressId = null;
        db.MemberAddresses.Remove(row);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Makes a box subscription ship to one of the member's addresses from now on.</summary>
    public async Task<string?> ShipToAsync(string memberId, Guid subscriptionId, Guid addressId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        if (sub is null)
            return "Subscription not found.";
        if (Ended.Contains(sub.Status))
            return "This subscription has ended.";
        if (!await ShippingZones.ShipsAsync(db, sub, ct))
            return "Nothing in this subscription is mailed.";
        var address = await db.MemberAddresses.AsNoTracking().FirstOrDefaultAsync(a => a.Id == addressId && a.MemberId == memberId, ct);
        if (address is null)
            return "This address is not in your address book.";
        var problems = AddressRules.Validate(ToPostal(address), await ShippingZones.CountriesAsync(db, ct));
        if (problems.Count > 0)
            return string.Join(" ", problems);
        var record = await db.SubscriptionRecords.FirstAsync(r => r.SubscriptionId == subscriptionId, ct);
        (record.AddressId, record.ShippingAddress) = (address.Id, ToShipping(ToPostal(address)));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The book entry equal to <paramref name="normalized"/>, added when there is none (checkout).</summary>
    internal static async Task<MemberAddress> FindOrAddAsync(AppDbContext db, string memberId, PostalAddress normalized, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await db.MemberAddresses.Where(a => a.MemberId == memberId && a.PostalCode == normalized.PostalCode && a.Country == normalized.Country).ToListAsync(ct);
        var same = candidates.FirstOrDefault(a => ToPostal(a) == normalized) ?? db.MemberAddresses.Local.FirstOrDefault(a => a.MemberId == memberId && ToPostal(a) == normalized);
        if (same is not null)
            return same;
        var row = new MemberAddress { MemberId = memberId, Name = "", Line1 = "", City = "", PostalCode = "", Country = "", CreatedAt = now, UpdatedAt = now };
        Copy(normalized, row);
        db.MemberAddresses.Add(row);
        return row;
    }

    /// <summary>Subscriptions from before the address book (or with an address Stripe collected) get their address added to it.</summary>
    private async Task AdoptSubscriptionAddressesAsync(AppDbContext db, string memberId, CancellationToken ct)
    {
        var records = await db.SubscriptionRecords.Where(r => r.AddressId == null && r.ShippingAddress != null && db.Subscriptions.Any(s => s.Id == r.SubscriptionId && s.MemberId == memberId))
            .ToListAsync(ct);
        if (records.Count == 0)
            return;
        var now = clock.GetUtcNow();
        foreach (var record in records)
            record.AddressId = (await FindOrAddAsync(db, memberId, AddressRules.Normalize(FromShipping(record.ShippingAddress!)), now, ct)).Id;
        await db.SaveChangesAsync(ct);
    }

    private sealed record Use(Guid SubscriptionId, Guid? AddressId, string Name);

    /// <summary>The member's live mailed subscriptions: which address each ships to and the name to show for it.</summary>
    private static async Task<List<Use>> UsesAsync(AppDbContext db, string memberId, CancellationToken ct)
    {
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => s.MemberId == memberId && s.Status != SubscriptionStatus.Canceled).ToListAsync(ct);
        var ids = subs.Select(s => s.Id).ToList();
        var records = await db.SubscriptionRecords.AsNoTracking().Where(r => ids.Contains(r.SubscriptionId)).ToDictionaryAsync(r => r.SubscriptionId, r => r.AddressId, ct);
        var productIds = subs.SelectMany(s => s.Items.Select(i => i.ProductId)).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return [.. subs.Where(s => s.Items.Any(i => products.TryGetValue(i.ProductId, out var p) && p.NeedsShipping))
            .Select(s => new Use(s.Id, records.GetValueOrDefault(s.Id),
                s.Items.Select(i => products.GetValueOrDefault(i.ProductId)).OrderBy(p => p?.Kind == ProductKind.AddOn).First()?.Name ?? "A subscription"))];
    }

    internal static PostalAddress ToPostal(MemberAddress a) => new(a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);

    internal static PostalAddress FromShipping(ShippingAddress a) => new(a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);

    internal static ShippingAddress ToShipping(PostalAddress a) => new()
    {
        Name = a.Name,
        Line1 = a.Line1,
        Line2 = a.Line2,
        City = a.City,
        Region = a.Region,
        PostalCode = a.PostalCode,
        Country = a.Country,
    };

    private static void Copy(PostalAddress a, MemberAddress row) =>
        (row.Name, row.Line1, row.Line2, row.City, row.Region, row.PostalCode, row.Country) = (a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
}
