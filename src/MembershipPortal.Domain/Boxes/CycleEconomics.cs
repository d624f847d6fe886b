namespace MembershipPortal.Domain.Boxes;

/// <summary>One packed line: which product, how many, and what the member pays for one unit of it for this box (minor units).</summary>
public sealed record PackedLine(Guid ProductId, int Quantity, long UnitRevenueMinor);

/// <summary>The Owner's costs for one product in one cycle, per unit (minor units): the goods and the postage it adds.</summary>
public sealed record UnitCost(long CostOfGoodsMinor, long ShippingCostMinor);

/// <summary>A cycle's money: what its boxes brought in, what they cost and the margin left.</summary>
public sealed record CycleMargin(int Boxes, long RevenueMinor, long CostOfGoodsMinor, long ShippingCostMinor, IReadOnlyList<Guid> ProductsWithoutCost)
{
    public long MarginMinor => RevenueMinor - CostOfGoodsMinor - ShippingCostMinor;

    /// <summary>Margin as a share of revenue (0.25 = 25 %); null without revenue.</summary>
    public decimal? MarginRate => RevenueMinor == 0 ? null : decimal.Round((decimal)MarginMinor / RevenueMinor, 4);
}

/// <summary>
/// Unit economics of a box cycle. Revenue per box is what each item earns for that box (a monthly box's price after
/// recurring discounts, a quarterly or yearly one's monthly share, a one-time extra's price) plus the shipping rate
/// charged; costs are the Owner's per-unit cost of goods and shipping cost for that product in that cycle, times the
/// quantities packed. A product packed without a recorded cost counts as costing nothing and is named, so the Owner
/// sees the margin is overstated.
/// </summary>
public static class CycleEconomics
{
    public static CycleMargin Compute(IReadOnlyCollection<IReadOnlyList<PackedLine>> boxes, long shippingChargedMinor, IReadOnlyDictionary<Guid, UnitCost> costs)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(costs);
        long revenue = shippingChargedMinor, goods = 0, shipping = 0;
        var missing = new List<Guid>();
        foreach (var line in boxes.SelectMany(b => b))
        {
            if (line.Quantity < 0 || line.UnitRevenueMinor < 0)
                throw new Common.DomainException("Packed quantities and prices cannot be negative.");
            revenue += line.Quantity * line.UnitRevenueMinor;
            if (costs.TryGetValue(line.ProductId, out var cost))
            {
                goods += line.Quantity * cost.CostOfGoodsMinor;
                shipping += line.Quantity * cost.ShippingCostMinor;
            }
            else if (!missing.Contains(line.ProductId))
            {
                missing.Add(line.ProductId);
            }
        }
        return new CycleMargin(boxes.Count, revenue, goods, shipping, missing);
    }
}
