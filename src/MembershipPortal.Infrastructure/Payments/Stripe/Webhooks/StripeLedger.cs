using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>The look-ups the webhook handlers share: gateway ids to local rows.</summary>
internal static class StripeLedger
{
    /// <summary>Shadow column of the Prices table holding the Stripe price id (set by the catalog sync).</summary>
    public const string PriceIdColumn = "StripePriceId";

    // Every event runs several of these inside SQLite's one-writer section, so they are compiled once: EF then skips
    // translating the LINQ tree and looking it up in its query cache on every call (about half the cost of a look-up).

    private static readonly Func<AppDbContext, string, CancellationToken, Task<SubscriptionRecord?>> RecordByGatewayId =
        EF.CompileAsyncQuery((AppDbContext db, string id, CancellationToken ct) =>
            db.SubscriptionRecords.SingleOrDefault(r => r.GatewaySubscriptionId == id));

    /// <summary>One query: a subscription has a handful of items and history rows, so the joined rows stay few.</summary>
    private static readonly Func<AppDbContext, Guid, CancellationToken, Task<Subscription>> SubscriptionById =
        EF.CompileAsyncQuery((AppDbContext db, Guid id, CancellationToken ct) =>
            db.Subscriptions.Include(s => s.Items).AsSingleQuery().Single(s => s.Id == id));

    private static readonly Func<AppDbContext, string, CancellationToken, Task<string?>> MemberByCustomerId =
        EF.CompileAsyncQuery((AppDbContext db, string customerId, CancellationToken ct) =>
            db.BillingProfiles.Where(p => p.CustomerId == customerId).Select(p => p.MemberId).FirstOrDefault());

    private static readonly Func<AppDbContext, string, CancellationToken, Task<bool>> MemberById =
        EF.CompileAsyncQuery((AppDbContext db, string memberId, CancellationToken ct) => db.Users.Any(u => u.Id == memberId));

    /// <summary>Read-only (items copy the terms), so not tracked; an equality is a plain indexed look-up.</summary>
    private static readonly Func<AppDbContext, string, CancellationToken, Task<CatalogPrice?>> PriceByStripeId =
        EF.CompileAsyncQuery((AppDbContext db, string stripePriceId, CancellationToken ct) =>
            db.Prices.AsNoTracking().FirstOrDefault(p => EF.Property<string>(p, PriceIdColumn) == stripePriceId));

    private static readonly Func<AppDbContext, string, CancellationToken, Task<Invoice?>> InvoiceByGatewayId =
        EF.CompileAsyncQuery((AppDbContext db, string id, CancellationToken ct) => db.Invoices.SingleOrDefault(i => i.GatewayInvoiceId == id));

    public static Task<SubscriptionRecord?> FindRecordAsync(AppDbContext db, string gatewaySubscriptionId, CancellationToken ct) =>
        RecordByGatewayId(db, gatewaySubscriptionId, ct);

    public static Task<Subscription> LoadSubscriptionAsync(AppDbContext db, Guid subscriptionId, CancellationToken ct) =>
        SubscriptionById(db, subscriptionId, ct);

    public static async Task<string?> MemberForCustomerAsync(AppDbContext db, string? customerId, CancellationToken ct) =>
        string.IsNullOrEmpty(customerId) ? null : await MemberByCustomerId(db, customerId, ct);

    public static Task<bool> MemberExistsAsync(AppDbContext db, string memberId, CancellationToken ct) => MemberById(db, memberId, ct);

    public static Task<Invoice?> FindInvoiceAsync(AppDbContext db, string gatewayInvoiceId, CancellationToken ct) =>
        InvoiceByGatewayId(db, gatewayInvoiceId, ct);

    private static readonly Func<AppDbContext, string, CancellationToken, Task<CatalogPrice?>> PriceByImportMapping =
        EF.CompileAsyncQuery((AppDbContext db, string stripePriceId, CancellationToken ct) =>
            db.StripePriceMappings.Where(m => m.StripePriceId == stripePriceId && !m.LeftOut)
                .Join(db.Prices.AsNoTracking(), m => m.CatalogPriceId, p => (Guid?)p.Id, (m, p) => p).FirstOrDefault());

    /// <summary>
    /// Catalog prices by their Stripe price id: the id the catalog sync gave the price, else the Owner's mapping from the
    /// Stripe import (a price of the account from before the move). Ids neither knows are absent.
    /// </summary>
    public static async Task<Dictionary<string, CatalogPrice>> PricesAsync(AppDbContext db, IReadOnlyCollection<string> stripePriceIds, CancellationToken ct)
    {
        var found = new Dictionary<string, CatalogPrice>(StringComparer.Ordinal);
        // Most subscriptions have one price (a list would go through a JSON parameter); several are looked up as a list.
        if (stripePriceIds.Count == 1)
        {
            var id = stripePriceIds.First();
            if ((await PriceByStripeId(db, id, ct) ?? await PriceByImportMapping(db, id, ct)) is { } price)
                found[id] = price;
            return found;
        }
        var prices = await db.Prices.AsNoTracking().Where(p => stripePriceIds.Contains(EF.Property<string>(p, PriceIdColumn)))
            .Select(p => new { Price = p, StripeId = EF.Property<string>(p, PriceIdColumn) })
            .ToListAsync(ct);
        foreach (var p in prices)
            found[p.StripeId] = p.Price;
        var missing = stripePriceIds.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            foreach (var m in await db.StripePriceMappings.Where(m => missing.Contains(m.StripePriceId) && !m.LeftOut)
                         .Join(db.Prices.AsNoTracking(), m => m.CatalogPriceId, p => (Guid?)p.Id, (m, p) => new { m.StripePriceId, Price = p }).ToListAsync(ct))
                found[m.StripePriceId] = m.Price;
        return found;
    }

    /// <summary>The Stripe prices the Owner deliberately left out of the import: their subscription items are not the portal's.</summary>
    public static async Task<HashSet<string>> LeftOutPricesAsync(AppDbContext db, IReadOnlyCollection<string> stripePriceIds, CancellationToken ct) =>
        stripePriceIds.Count == 0 ? [] :
        (await db.StripePriceMappings.Where(m => m.LeftOut && stripePriceIds.Contains(m.StripePriceId)).Select(m => m.StripePriceId).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>True when an event created before the newest one already applied to this subscription: it must not win.</summary>
    public static bool IsStale(SubscriptionRecord record, DateTimeOffset eventCreatedAt) =>
        record.LastGatewayEventAt is { } last && eventCreatedAt < last;

    public static void MarkApplied(SubscriptionRecord record, DateTimeOffset eventCreatedAt)
    {
        if (record.LastGatewayEventAt is not { } last || eventCreatedAt > last)
            record.LastGatewayEventAt = eventCreatedAt;
    }
}
