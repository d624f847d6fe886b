using Bunit;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Web.Features.Analytics.Components;

namespace MembershipPortal.Web.Tests.Analytics;

public sealed class MovementsChartTests : BunitContext
{
    private static MonthlyMetrics Month(int month, decimal @new, decimal expansion, decimal contraction, decimal churn) => new()
    {
        Month = new YearMonth(2026, month),
        MrrStart = 0,
        New = @new,
        Expansion = expansion,
        Contraction = contraction,
        Churn = churn,
        Reactivation = 0,
        MrrEnd = 0,
        CustomersStart = 0,
        CustomersEnd = 0,
        NewCustomers = 0,
        ReactivatedCustomers = 0,
        ChurnedCustomers = 0,
        Arr = 0,
        ExpansionByCause = ExpansionBreakdown.Zero,
        ExpansionMovements = 0,
        ContractionMovements = 0,
        RecoveredFromDunning = 0,
    };

    [Fact]
    public void Bars_GrowUpForGainsAndDownForLosses_AndAClickNamesMonthAndMovement()
    {
        (YearMonth Month, MovementType Type)? selected = null;
        var cut = Render<MovementsChart>(p => p
            .Add(x => x.Months, [Month(4, 1000, 500, 0, 0), Month(5, 0, 0, 250, 750)])
            .Add(x => x.Currency, "USD")
            .Add(x => x.OnSelect, v => selected = v));

        var gain = cut.Find("[data-testid='bar-2026-04-new']");
        var loss = cut.Find("[data-testid='bar-2026-05-churn']");
        var zero = double.Parse(cut.Find("line.axis").GetAttribute("y1")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(double.Parse(gain.GetAttribute("y")!, System.Globalization.CultureInfo.InvariantCulture) < zero);
        Assert.True(double.Parse(loss.GetAttribute("y")!, System.Globalization.CultureInfo.InvariantCulture) >= zero);
        Assert.Contains("Churn: −$7.50", loss.TextContent);
        Assert.Empty(cut.FindAll("[data-testid='bar-2026-04-churn']"));

        loss.Click();

        Assert.Equal((new YearMonth(2026, 5), MovementType.Churn), selected);
    }
}
