using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// METRICS.md §1–2. MRR amounts are decimal minor units kept to two decimals (hundredths of a cent, the export's
/// precision): each item's MRR is rounded once, half away from zero, and every total after that is an exact sum,
/// so the month identity holds to the last digit and the exported columns reproduce it.
/// </summary>
public static class MrrMath
{
    public const int Decimals = 2;

    /// <summary>
    /// <c>item_mrr = unit_amount × quantity × (1 − discount_percent/100) × factor / interval_count</c> with factor
    /// 365/12 (day), 52/12 (week), 1 (month), 1/12 (year). One division, then one rounding.
    /// </summary>
    public static decimal ItemMrr(long unitAmountMinor, int quantity, decimal discountPercent, BillingInterval interval, int intervalCount)
    {
        if (unitAmountMinor < 0)
            throw new DomainException($"A unit amount cannot be negative ({unitAmountMinor}).");
        if (quantity < 0)
            throw new DomainException($"A quantity cannot be negative ({quantity}).");
        if (discountPercent is < 0 or > 100)
            throw new DomainException($"A discount must be between 0 and 100 percent ({discountPercent}).");
        if (intervalCount < 1)
            throw new DomainException($"An interval count must be 1 or more ({intervalCount}).");

        var periodsPerYear = interval switch
        {
            BillingInterval.Day => 365m,
            BillingInterval.Week => 52m,
            BillingInterval.Month => 12m,
            BillingInterval.Year => 1m,
            _ => throw new DomainException($"'{interval}' is not a billing interval."),
        };
        var numerator = unitAmountMinor * (decimal)quantity * (100m - discountPercent) * periodsPerYear;
        return Round(numerator / (100m * 12m * intervalCount));
    }

    public static decimal ItemMrr(PriceTerms terms, int quantity = 1, decimal discountPercent = 0) =>
        ItemMrr(terms.Amount.Minor, quantity, discountPercent, terms.Interval, terms.IntervalCount);

    /// <summary>METRICS.md §2: only active and past-due subscriptions count toward MRR.</summary>
    public static bool CountsTowardMrr(SubscriptionStatus status) =>
        status is SubscriptionStatus.Active or SubscriptionStatus.PastDue;

    public static decimal Round(decimal amount) => decimal.Round(amount, Decimals, MidpointRounding.AwayFromZero);
}
