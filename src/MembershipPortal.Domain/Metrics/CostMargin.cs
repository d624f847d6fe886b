namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// The gross margin measured from what the business recorded, for LTV when the Owner prefers it to a typed-in number:
/// over a window of whole months, (revenue − cost of goods − shipping costs) ÷ revenue, where revenue is what members paid
/// (less refunds and tax) and the costs are the Owner's unit costs times what was packed in those months' parcels.
/// Digital products cost nothing to deliver, so a membership-only business measures 100%.
/// </summary>
public static class CostMargin
{
    /// <summary>How many whole months before the current one are measured.</summary>
    public const int Months = 3;

    /// <summary>
    /// The margin as a fraction between 0 and 1 (a loss counts as 0: no customer is worth less than nothing to keep);
    /// null without revenue, when the typed-in number stays in use.
    /// </summary>
    public static decimal? Compute(long revenueMinor, long costOfGoodsMinor, long shippingCostMinor)
    {
        if (costOfGoodsMinor < 0 || shippingCostMinor < 0)
            throw new Common.DomainException("Costs cannot be negative.");
        if (revenueMinor <= 0)
            return null;
        var margin = (decimal)(revenueMinor - costOfGoodsMinor - shippingCostMinor) / revenueMinor;
        return decimal.Round(Math.Clamp(margin, 0m, 1m), 4);
    }

    /// <summary>The whole months measured on <paramref name="today"/>: the <see cref="Months"/> before the current one.</summary>
    public static (YearMonth From, YearMonth To) Window(DateOnly today)
    {
        var current = YearMonth.Of(today);
        return (current.AddMonths(-Months), current.AddMonths(-1));
    }
}
