using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// Prices the invoice that renews a subscription for the period starting at its current period end: each item's
/// price × quantity, less its coupon while the coupon still applies to that period. A trial's first paid period
/// counts as the first discounted invoice.
/// </summary>
public static class RenewalInvoice
{
    public static IReadOnlyList<InvoiceLine> Lines(Subscription subscription)
    {
        var periodStart = subscription.CurrentPeriodEnd;
        var discountStart = subscription.TrialEnd ?? subscription.StartedAt;
        var lines = new List<InvoiceLine>();
        foreach (var item in subscription.Items)
        {
            var gross = item.GrossPerPeriod;
            lines.Add(new InvoiceLine(InvoiceLineKind.Subscription, item.ProductId, "Renewal", item.Quantity, gross, true));
            if (item.Coupon is { } coupon && coupon.AppliesToPeriodStarting(periodStart, discountStart))
            {
                var discount = coupon.DiscountFor(gross);
                if (discount.Minor > 0)
                    lines.Add(new InvoiceLine(InvoiceLineKind.Discount, item.ProductId, $"Coupon {coupon.Code}", 1, Money.Zero(gross.Currency) - discount, true));
            }
        }
        return lines;
    }

    public static Money Total(Subscription subscription) =>
        Lines(subscription).Aggregate(Money.Zero(subscription.Currency), (sum, line) => sum + line.Amount);
}
