using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// One-time products bought with a plan (a starter kit), recorded to ship once: a pending extra per mailed product, routed
/// by <see cref="OneTimeGoods.Route"/> (with the subscription's parcel, else on its own). The test gateway's checkout and
/// Stripe's paid first invoice write the same rows, so fulfilment cannot tell which engine charged them.
/// </summary>
internal static class OneTimeGoodsRecords
{
    public sealed record Sold(CatalogPrice Price, Product Product, int Quantity, long AmountMinor);

    /// <param name="planProducts">The subscription's own products: the parcel a one-time product rides in is theirs.</param>
    public static void Add(AppDbContext db, TimeZoneInfo zone, Subscription sub, IReadOnlyList<Product> planProducts, IEnumerable<Sold> sold,
        Guid? invoiceId, string? paymentId, DateTimeOffset now)
    {
        var parcel = ShipmentPlan.ParcelProduct(planProducts.Select(p => new PlanItem(p.Id, p.Kind, p.ShipsPhysically)));
        var parcelSchedule = parcel is { } id ? ShipmentService.Schedule(planProducts.Single(p => p.Id == id), zone) : null;
        foreach (var (price, product, quantity, amount) in sold.Where(o => o.Product.NeedsShipping))
        {
            var route = OneTimeGoods.Route(parcelSchedule, ShipmentService.Schedule(product, zone), now);
            db.BoxExtras.Add(new BoxExtra
            {
                SubscriptionId = sub.Id,
                MemberId = sub.MemberId,
                ProductId = product.Id,
                PriceId = price.Id,
                Description = product.Name,
                Quantity = quantity,
                AmountMinor = amount,
                Currency = price.Terms.Currency,
                Cycle = route.Cycle.ToString(),
                InvoiceId = invoiceId,
                GatewayPaymentId = paymentId,
                CreatedAt = now,
            });
        }
    }
}

/// <summary>
/// Stripe's side of <see cref="OneTimeGoodsRecords"/>: a paid invoice's one-time lines on one-time products become the same
/// pending extras, once per invoice and price (every delivery of the invoice's events, and a replay, finds them recorded).
/// </summary>
public sealed class StripeOneTimeGoods(Shared.BusinessTimeZone businessZone) : IOneTimeGoods
{
    public async Task RecordAsync(AppDbContext db, Subscription subscription, Invoice invoice, IReadOnlyList<OneTimeSale> sales, string? gatewayPaymentId,
        DateTimeOffset paidAt, CancellationToken ct)
    {
        var productIds = sales.Select(s => s.Price.ProductId).Concat(subscription.Items.Select(i => i.ProductId)).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var oneTime = sales.Where(s => products.GetValueOrDefault(s.Price.ProductId) is { Kind: ProductKind.AddOn, AddOnBilling: AddOnBilling.OneTime }).ToList();
        if (oneTime.Count == 0)
            return;
        var priceIds = oneTime.Select(s => s.Price.Id).ToList();
        var recorded = (await db.BoxExtras.AsNoTracking().Where(e => e.InvoiceId == invoice.Id && priceIds.Contains(e.PriceId)).Select(e => e.PriceId).ToListAsync(ct))
            .Concat(db.BoxExtras.Local.Where(e => e.InvoiceId == invoice.Id).Select(e => e.PriceId)).ToHashSet();
        var fresh = oneTime.Where(s => !recorded.Contains(s.Price.Id))
            .GroupBy(s => s.Price.Id)
            .Select(g => new OneTimeGoodsRecords.Sold(g.First().Price, products[g.First().Price.ProductId], g.Sum(s => s.Quantity), g.Sum(s => s.AmountMinor)))
            .ToList();
        if (fresh.Count == 0)
            return;
        var plan = subscription.Items.Select(i => i.ProductId).Distinct().Where(products.ContainsKey).Select(id => products[id]).ToList();
        OneTimeGoodsRecords.Add(db, await businessZone.GetAsync(ct), subscription, plan, fresh, invoice.Id, gatewayPaymentId, paidAt);
    }
}
