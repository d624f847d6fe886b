using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>The look-ups the webhook handlers share: gateway ids to local rows.</summary>
internal static class StripeLedger
{
    public const string Gateway = "Stripe";

    /// <summary>Shadow column of the Prices table holding the Stripe price id (set by the catalog sync).</summary>
    public const string PriceIdColumn = "StripePriceId";

    public static Task<SubscriptionRecord?> FindRecordAsync(AppDbContext db, string gatewaySubscriptionId, CancellationToken ct) =>
        db.SubscriptionRecords.SingleOrDefaultAsync(r => r.GatewaySubscriptionId == gatewaySubscriptionId, ct);

    /// <summary>One query: a subscription has a handful of items and history rows, so the joined rows stay few.</summary>
    public static Task<Subscription> LoadSubscriptionAsync(AppDbContext db, Guid subscriptionId, CancellationToken ct) =>
        db.Subscriptions.Include(s => s.Items).AsSingleQuery().SingleAsync(s => s.Id == subscriptionId, ct);

    public static async Task<string?> MemberForCustomerAsync(AppDbContext db, string? customerId, CancellationToken ct) =>
        string.IsNullOrEmpty(customerId)
            ? null
            : await db.BillingProfiles.Where(p => p.CustomerId == customerId).Select(p => p.MemberId).FirstOrDefaultAsync(ct);

    public static Task<bool> MemberExistsAsync(AppDbContext db, string memberId, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == memberId, ct);

    /// <summary>Catalog prices by their Stripe price id; ids the catalog does not know are absent.</summary>
    public static async Task<Dictionary<string, CatalogPrice>> PricesAsync(AppDbContext db, IReadOnlyCollection<string> stripePriceIds, CancellationToken ct)
    {
        // Read-only here (items copy the terms), so not tracked. Most subscriptions have one price: an equality is a plain
        // indexed look-up, where a list goes through a JSON parameter.
        var single = stripePriceIds.Count == 1 ? stripePriceIds.First() : null;
        var query = single is not null
            ? db.Prices.AsNoTracking().Where(p => EF.Property<string>(p, PriceIdColumn) == single)
            : db.Prices.AsNoTracking().Where(p => stripePriceIds.Contains(EF.Property<string>(p, PriceIdColumn)));
        var prices = await query
            .Select(p => new { Price = p, StripeId = EF.Property<string>(p, PriceIdColumn) })
            .ToListAsync(ct);
        return prices.ToDictionary(p => p.StripeId, p => p.Price, StringComparer.Ordinal);
    }

    /// <summary>True when an event created before the newest one already applied to this subscription: it must not win.</summary>
    public static bool IsStale(SubscriptionRecord record, DateTimeOffset eventCreatedAt) =>
        record.LastGatewayEventAt is { } last && eventCreatedAt < last;

    public static void MarkApplied(SubscriptionRecord record, DateTimeOffset eventCreatedAt)
    {
        if (record.LastGatewayEventAt is not { } last || eventCreatedAt > last)
            record.LastGatewayEventAt = eventCreatedAt;
    }
}
