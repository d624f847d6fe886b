using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class CycleEconomicsTests
{
    private static readonly Guid Box = Guid.NewGuid(), Kit = Guid.NewGuid(), Mug = Guid.NewGuid();

    [Fact]
    public void Compute_RevenueLessGoodsAndShipping_PerUnitTimesQuantity()
    {
        IReadOnlyList<PackedLine>[] boxes =
        [
            [new(Box, 1, 2500), new(Kit, 1, 1200)],
            [new(Box, 2, 2500), new(Mug, 1, 1200)],
        ];
        var costs = new Dictionary<Guid, UnitCost> { [Box] = new(900, 450), [Kit] = new(300, 0), [Mug] = new(400, 100) };

        var margin = CycleEconomics.Compute(boxes, shippingChargedMinor: 1000, costs);

        Assert.Equal(2, margin.Boxes);
        Assert.Equal(2500 + 1200 + 5000 + 1200 + 1000, margin.RevenueMinor);
        Assert.Equal(3 * 900 + 300 + 400, margin.CostOfGoodsMinor);
        Assert.Equal(3 * 450 + 100, margin.ShippingCostMinor);
        Assert.Equal(10900 - 3400 - 1450, margin.MarginMinor);
        Assert.Equal(0.5550m, margin.MarginRate); // 6050 of 10900, to four places
        Assert.Empty(margin.ProductsWithoutCost);
    }

    [Fact]
    public void Compute_ProductWithoutCost_CountsAsFreeAndIsNamed()
    {
        var margin = CycleEconomics.Compute([[new(Box, 1, 2500), new(Mug, 1, 1200)]], 0, new Dictionary<Guid, UnitCost> { [Box] = new(1000, 500) });
        Assert.Equal(2200, margin.MarginMinor);
        Assert.Equal([Mug], margin.ProductsWithoutCost);
    }

    [Fact]
    public void Compute_NoBoxes_NoRevenueNoRate()
    {
        var margin = CycleEconomics.Compute([], 0, new Dictionary<Guid, UnitCost>());
        Assert.Equal((0, 0L, (decimal?)null), (margin.Boxes, margin.MarginMinor, margin.MarginRate));
        Assert.Throws<DomainException>(() => CycleEconomics.Compute([[new(Box, -1, 2500)]], 0, new Dictionary<Guid, UnitCost>()));
    }
}
