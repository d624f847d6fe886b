using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// Prices the first invoice of a checkout, agreeing with <see cref="Subscription.Start"/> on trial length and on
/// which lines a coupon discounts. Setup fees are charged once per item (not per unit) and are never discounted:
/// coupons reduce the subscription price. With a trial, today's charge is only the setup fees.
/// </summary>
public static class InvoiceCalculator
{
    public static FirstInvoice ForCheckout(IReadOnlyList<NewSubscriptionItem> items, DateTimeOffset now, Coupon? coupon = null)
    {
        if (items is null || items.Count == 0)
            throw new DomainException("A checkout needs at least one item.");
        foreach (var item in items)
        {
            item.Price.EnsurePurchasable();
            SubscriptionItem.RequireQuantity(item.Quantity);
        }

        var currency = items[0].Price.Terms.Currency;
        if (items.Any(i => i.Price.Terms.Currency != currency))
            throw new DomainException("All items of a checkout must be in the same currency.");

        var coupons = CouponAllocation.Allocate(items, coupon, now);
        var trialDays = items.Max(i => i.Price.Terms.TrialDays);
        var trialEndsAt = trialDays > 0 ? now.AddDays(trialDays) : (DateTimeOffset?)null;
        var chargedNow = trialEndsAt is null;
        var zero = Money.Zero(currency);

        var lines = new List<InvoiceLine>();
        for (var i = 0; i < items.Count; i++)
        {
            var terms = items[i].Price.Terms;
            lines.Add(new InvoiceLine(InvoiceLineKind.Subscription, items[i].Price.ProductId,
                "Subscription" + (chargedNow ? "" : " (after trial)"), items[i].Quantity, terms.Amount * items[i].Quantity, chargedNow));
        }

        foreach (var item in items.Where(i => i.Price.Terms.SetupFee is not null))
            lines.Add(new InvoiceLine(InvoiceLineKind.SetupFee, item.Price.ProductId, "Setup fee", 1, item.Price.Terms.SetupFee!.Value, true));

        // The first paid invoice is billing cycle 0, whether it is today's or the one after the trial.
        var firstDiscount = Discount(items, coupons, cycle: 0, zero);
        if (firstDiscount.Minor > 0)
            lines.Add(new InvoiceLine(InvoiceLineKind.Discount, null, $"Coupon {coupon!.Code}: {coupon.Terms.Describe()}", 1,
                zero - firstDiscount, chargedNow));

        var gross = items.Aggregate(zero, (sum, i) => sum + i.Price.Terms.Amount * i.Quantity);
        var recurring = gross - Discount(items, coupons, cycle: chargedNow ? 1 : 0, zero);
        var firstCharge = lines.Where(l => l.ChargedNow).Aggregate(zero, (sum, l) => sum + l.Amount);
        var nextChargeAt = trialEndsAt ?? items[0].Price.Terms.NextPeriodEnd(now);
        return new FirstInvoice(lines, firstCharge, recurring, trialEndsAt, nextChargeAt);
    }

    private static Money Discount(IReadOnlyList<NewSubscriptionItem> items, CouponTerms?[] coupons, int cycle, Money zero)
    {
        var total = zero;
        for (var i = 0; i < items.Count; i++)
        {
            var terms = items[i].Price.Terms;
            if (coupons[i] is { } coupon && coupon.AppliesToInvoice(cycle, terms))
                total += coupon.DiscountFor(terms.Amount * items[i].Quantity);
        }

        return total;
    }
}
