using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Domain.Tests.Metrics;

public sealed class CostMarginTests
{
    [Theory]
    [InlineData(10_000, 2_000, 500, 0.75)]   // kits cost a quarter of what came in
    [InlineData(10_000, 0, 0, 1.0)]          // digital only: nothing to deliver
    [InlineData(10_000, 9_000, 2_000, 0.0)]  // a loss counts as no margin
    [InlineData(3, 1, 0, 0.6667)]            // rounded to basis points
    public void Compute_RevenueLessCostsOverRevenue(long revenue, long goods, long shipping, double expected) =>
        Assert.Equal((decimal)expected, CostMargin.Compute(revenue, goods, shipping));

    [Fact]
    public void Compute_WithoutRevenue_IsUnknown() => Assert.Null(CostMargin.Compute(0, 100, 0));

    [Fact]
    public void Compute_NegativeCost_IsRefused() => Assert.Throws<DomainException>(() => CostMargin.Compute(100, -1, 0));

    [Fact]
    public void Window_IsTheThreeWholeMonthsBeforeToday() =>
        Assert.Equal((new YearMonth(2026, 9), new YearMonth(2026, 11)), CostMargin.Window(new DateOnly(2026, 12, 7)));
}
