using MembershipPortal.Domain.Metrics;
using static MembershipPortal.Domain.Tests.Metrics.History;

namespace MembershipPortal.Domain.Tests.Metrics;

public class CohortTableTests
{
    [Fact]
    public void Build_FollowsEachSignupMonth()
    {
        // January: a (1000) and b (1000). b churns in February, a doubles in March. February: c (500).
        var engine = new History()
            .Set("a", "s", "2026-01-05", 1000).Set("b", "s", "2026-01-20", 1000)
            .Set("b", "s", "2026-02-10", 0).Set("a", "s", "2026-03-10", 2000)
            .Set("c", "s", "2026-02-03", 500)
            .Engine();

        var rows = CohortTable.Build(engine, new YearMonth(2026, 1), new YearMonth(2026, 3));

        Assert.Equal([2, 1, 0], rows.Select(r => r.Customers));
        var jan = rows[0];
        Assert.Equal(2000m, jan.StartingMrr);
        Assert.Equal([2, 1, 1], jan.Cells.Select(c => c.ActiveCustomers));
        Assert.Equal([1m, 0.5m, 0.5m], jan.Cells.Select(c => c.CustomerRetention));
        Assert.Equal([1m, 0.5m, 1m], jan.Cells.Select(c => c.RevenueRetention));
        Assert.Equal(2, rows[1].Cells.Count);
        Assert.Null(rows[2].Cells[0].CustomerRetention);
    }

    [Fact]
    public void Build_AReactivatedCustomerStaysInTheirFirstCohort()
    {
        var engine = new History().Set("a", "s", "2026-01-05", 1000).Set("a", "s", "2026-02-05", 0).Set("a", "s", "2026-03-05", 700).Engine();

        var rows = CohortTable.Build(engine, new YearMonth(2026, 1), new YearMonth(2026, 3));

        Assert.Equal([1, 0, 0], rows.Select(r => r.Customers));
        Assert.Equal([1m, 0m, 1m], rows[0].Cells.Select(c => c.CustomerRetention));
    }
}

public class MrrForecastTests
{
    private static MonthlyMetrics Month(int month, decimal start, decimal @new, decimal expansion, decimal churn) => new()
    {
        Month = new YearMonth(2026, month),
        MrrStart = start,
        New = @new,
        Expansion = expansion,
        Contraction = 0,
        Churn = churn,
        Reactivation = 0,
        MrrEnd = start + @new + expansion - churn,
        CustomersStart = 1,
        CustomersEnd = 1,
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
    public void Project_AppliesMeanRatesAndNewBusiness_WithABandFromTheExtremes()
    {
        var trailing = new[] { Month(1, 10000, 1000, 200, 500), Month(2, 10000, 3000, 400, 300) };

        var points = MrrForecast.Project(10000, new YearMonth(2026, 3), trailing, [], months: 2);

        // Mean churn 4%, expansion 3%, new 2000: 10000 × 0.99 + 2000 = 11900.
        Assert.Equal(11900m, points[0].Expected);
        // Low: churn 5%, expansion 2%, new 1000: 10000 × 0.97 + 1000 = 10700. High: 3%, 4%, 3000: 13100.
        Assert.Equal((10700m, 13100m), (points[0].Low, points[0].High));
        Assert.Equal(new YearMonth(2026, 4), points[1].Month);
        Assert.True(points[1].Low <= points[1].Expected && points[1].Expected <= points[1].High);
    }

    [Fact]
    public void Project_AddsScheduledChangesInTheirMonth()
    {
        var points = MrrForecast.Project(5000, new YearMonth(2026, 3), [], [new ScheduledMrrChange(Day("2026-04-15"), -1000, "cancel")], months: 3);

        Assert.Equal([5000m, 4000m, 4000m], points.Select(p => p.Expected));
    }
}
