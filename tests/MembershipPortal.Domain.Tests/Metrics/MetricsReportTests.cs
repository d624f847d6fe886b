using MembershipPortal.Domain.Metrics;
using static MembershipPortal.Domain.Tests.Metrics.History;

namespace MembershipPortal.Domain.Tests.Metrics;

public class MetricsReportTests
{
    private static readonly YearMonth Jan = new(2026, 1), Jun = new(2026, 6);

    [Theory]
    [InlineData("2026-01", "New", "68166.67", "68166.67")]
    [InlineData("2026-02", "Expansion", "6000", "74166.67")]
    [InlineData("2026-03", "Contraction", "6000", "68166.67")]
    [InlineData("2026-04", "Contraction", "1500", "66666.67")]
    [InlineData("2026-05", "Churn", "66666.67", "0")]
    [InlineData("2026-06", "Reactivation", "1500", "1500")]
    public void WorkedExample_EachMonthHasItsOneMovement(string month, string type, string amount, string mrrEnd)
    {
        var rows = MetricsReport.Build(WorkedExample.Engine(), Jan, Jun);
        var row = rows.Single(r => r.Month.ToString() == month);
        var amounts = new Dictionary<string, decimal>
        {
            ["New"] = row.New,
            ["Expansion"] = row.Expansion,
            ["Contraction"] = row.Contraction,
            ["Churn"] = row.Churn,
            ["Reactivation"] = row.Reactivation,
        };

        Assert.Equal(D(amount), amounts[type]);
        Assert.All(amounts.Where(a => a.Key != type), a => Assert.Equal(0m, a.Value));
        Assert.Equal(D(mrrEnd), row.MrrEnd);
        Assert.True(row.IdentityHolds);
    }

    [Fact]
    public void WorkedExample_FebruaryIsACrossSell()
    {
        var feb = MetricsReport.Build(WorkedExample.Engine(), new YearMonth(2026, 2), new YearMonth(2026, 2)).Single();

        Assert.Equal(new ExpansionBreakdown(0, 0, 0, 6000, 0), feb.ExpansionByCause);
    }

    [Fact]
    public void WorkedExample_AprilPastDueIsNoMovement_UnpaidIsContraction()
    {
        var engine = WorkedExample.Engine();
        var april = engine.Movements().Where(m => m.Month == new YearMonth(2026, 4)).ToList();

        var m = Assert.Single(april);
        Assert.Equal((Day("2026-04-27"), MovementType.Contraction, 1500m), (m.Day, m.Type, m.Amount));
    }

    [Fact]
    public void WorkedExample_AfterMrrFellToZero_RatesOfJuneAreNull()
    {
        var june = MetricsReport.Build(WorkedExample.Engine(), Jun, Jun).Single();

        Assert.Equal((0m, 0, 1500m, 1), (june.MrrStart, june.CustomersStart, june.MrrEnd, june.CustomersEnd));
        Assert.Null(june.CustomerChurnRate);
        Assert.Null(june.GrossMrrChurnRate);
        Assert.Null(june.NetMrrChurnRate);
        Assert.Null(june.NrrMonth);
        Assert.Null(june.GrrMonth);
        Assert.Null(june.QuickRatio);
        Assert.Equal(1, june.ReactivatedCustomers);
        Assert.Equal(1500m, june.RecoveredFromDunning);
    }

    [Fact]
    public void WorkedExample_MayChurnsTheOneCustomer()
    {
        var may = MetricsReport.Build(WorkedExample.Engine(), new YearMonth(2026, 5), new YearMonth(2026, 5)).Single();

        Assert.Equal((1, 0, 1), (may.CustomersStart, may.CustomersEnd, may.ChurnedCustomers));
        Assert.Equal(1m, may.CustomerChurnRate);
        Assert.Equal(1m, may.GrossMrrChurnRate);
        Assert.Equal(0m, may.NrrMonth);
        Assert.Null(may.Arpa);
        Assert.Equal(0m, may.Arr);
    }

    [Fact]
    public void Rates_FollowTheFormulasOfSection4()
    {
        // Start: a 1000, b 1000, c 2000 (4000, 3 customers). In March: a churns, b expands +500, c contracts −200,
        // d is new at 300, e comes back at 100.
        var history = new History()
            .Set("a", "1", "2026-01-05", 1000).Set("b", "1", "2026-01-05", 1000).Set("c", "1", "2026-01-05", 2000)
            .Set("e", "1", "2026-01-06", 50).Set("e", "1", "2026-02-06", 0)
            .Set("a", "1", "2026-03-02", 0).Set("b", "1", "2026-03-03", 1500, MrrChangeReason.PlanChange)
            .Set("c", "1", "2026-03-04", 1800).Set("d", "1", "2026-03-05", 300).Set("e", "1", "2026-03-06", 100);
        var march = MetricsReport.Build(history.Engine(), new YearMonth(2026, 3), new YearMonth(2026, 3),
            new MetricsSettings { AcquisitionSpend = new Dictionary<YearMonth, long> { [new YearMonth(2026, 3)] = 9000 } }).Single();

        Assert.Equal((4000m, 300m, 500m, 200m, 1000m, 100m, 3700m), (march.MrrStart, march.New, march.Expansion, march.Contraction, march.Churn, march.Reactivation, march.MrrEnd));
        Assert.Equal((3, 4, 1, 1, 1), (march.CustomersStart, march.CustomersEnd, march.NewCustomers, march.ReactivatedCustomers, march.ChurnedCustomers));
        Assert.Equal(1m / 3m, march.CustomerChurnRate);
        Assert.Equal(1200m / 4000m, march.GrossMrrChurnRate);
        Assert.Equal((1200m - 500m - 100m) / 4000m, march.NetMrrChurnRate);
        Assert.Equal((4000m + 500m - 200m - 1000m) / 4000m, march.NrrMonth);
        Assert.Equal((4000m - 200m - 1000m) / 4000m, march.GrrMonth);
        Assert.Equal(12 * 3700m, march.Arr);
        Assert.Equal(3700m / 4, march.Arpa);
        Assert.Equal((300m + 500m + 100m) / 1200m, march.QuickRatio);
        Assert.Equal(9000m, march.Cac);
        Assert.Equal(9000m / (3700m / 4), march.CacPaybackMonths);
        Assert.True(march.IdentityHolds);
    }

    [Fact]
    public void NetMrrChurn_IsNegativeWhenExpansionOutgrowsChurn()
    {
        var history = new History().Set("a", "1", "2026-01-05", 1000).Set("b", "1", "2026-01-05", 1000)
            .Set("a", "1", "2026-02-05", 0).Set("b", "1", "2026-02-05", 3000);
        var feb = MetricsReport.Build(history.Engine(), new YearMonth(2026, 2), new YearMonth(2026, 2)).Single();

        Assert.Equal(-0.5m, feb.NetMrrChurnRate);
    }

    [Fact]
    public void Ltv_IsArpaTimesMarginOverTheSixMonthMeanChurnRate()
    {
        // Ten customers from January; one churns in each of Feb, Mar and Apr.
        var history = new History();
        for (var i = 0; i < 10; i++)
            history.Set($"c{i}", "s", "2026-01-05", 1000);
        history.Set("c0", "s", "2026-02-10", 0).Set("c1", "s", "2026-03-10", 0).Set("c2", "s", "2026-04-10", 0);
        var april = MetricsReport.Build(history.Engine(), new YearMonth(2026, 4), new YearMonth(2026, 4),
            new MetricsSettings { GrossMargin = 0.8m }).Single();

        // Rates defined in Feb (1/10), Mar (1/9), Apr (1/8); January has no customers at its start.
        var mean = (1m / 10 + 1m / 9 + 1m / 8) / 3;
        Assert.Equal(1000m * 0.8m / mean, april.Ltv);
    }

    [Fact]
    public void Ltv_WithNoChurnInSixMonths_IsNull()
    {
        var april = MetricsReport.Build(new History().Set("c", "s", "2026-01-05", 1000).Engine(), new YearMonth(2026, 4), new YearMonth(2026, 4)).Single();

        Assert.Null(april.Ltv);
        Assert.Equal(0m, april.CustomerChurnRate);
    }

    [Fact]
    public void Cac_WithoutSpendOrWithoutNewCustomers_IsNull()
    {
        var engine = new History().Set("c", "s", "2026-01-05", 1000).Engine();
        var settings = new MetricsSettings { AcquisitionSpend = new Dictionary<YearMonth, long> { [Jan] = 1000, [new YearMonth(2026, 2)] = 5000 } };
        var rows = MetricsReport.Build(engine, Jan, new YearMonth(2026, 3), settings);

        Assert.Equal([1000m, null, null], rows.Select(r => r.Cac));
        Assert.Equal(5000L, rows[1].AcquisitionSpend);
    }

    [Fact]
    public void TwelveMonthRetention_CapsEachCustomerForGrr_AndIsNullWithoutAYearOfHistory()
    {
        // At the end of Jan 2025: a 1000, b 1000. By Jan 2026: a 1500, b churned; c (new since) does not count.
        var history = new History()
            .Set("a", "s", "2025-01-05", 1000).Set("b", "s", "2025-01-05", 1000)
            .Set("a", "s", "2025-06-05", 1500).Set("b", "s", "2025-08-05", 0).Set("c", "s", "2025-09-05", 5000);
        var rows = MetricsReport.Build(history.Engine(), new YearMonth(2025, 12), new YearMonth(2026, 1));

        Assert.Null(rows[0].Nrr12m);
        Assert.Null(rows[0].Grr12m);
        Assert.Equal(1500m / 2000m, rows[1].Nrr12m);
        Assert.Equal(1000m / 2000m, rows[1].Grr12m);
    }

    [Fact]
    public void AsOf_LeavesOutLaterChanges()
    {
        var engine = new History().Set("c", "s", "2026-01-05", 1000).Set("c", "s", "2026-01-25", 0).Engine();
        var jan = MetricsReport.Build(engine, Jan, Jan, new MetricsSettings { AsOf = Day("2026-01-20") }).Single();

        Assert.Equal((1000m, 0m, 1), (jan.MrrEnd, jan.Churn, jan.CustomersEnd));
    }

    [Fact]
    public void MonthsBeforeTheRange_FeedTheStartingMrr()
    {
        var engine = new History().Set("c", "s", "2024-03-05", 1000).Set("d", "s", "2025-11-05", 250).Engine();
        var row = MetricsReport.Build(engine, Jun, Jun).Single();

        Assert.Equal((1250m, 1250m, 2, 2), (row.MrrStart, row.MrrEnd, row.CustomersStart, row.CustomersEnd));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MonthIdentity_HoldsToTheCent_ForRandomHistories(int seed)
    {
        var engine = MrrEngine.Build(RandomHistory.Generate(seed, customers: 40, months: 26));
        var rows = MetricsReport.Build(engine, new YearMonth(2024, 1), new YearMonth(2026, 3));

        Assert.All(rows, row =>
        {
            Assert.Equal(row.MrrEnd, row.MrrStart + row.New + row.Reactivation + row.Expansion - row.Contraction - row.Churn);
            Assert.Equal(engine.MrrAtEndOf(row.Month.LastDay), row.MrrEnd);
            Assert.Equal(engine.Customers.Count(c => c.MrrAtEndOf(row.Month.LastDay) > 0), row.CustomersEnd);
            Assert.Equal(row.Expansion, row.ExpansionByCause.Total);
        });
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.Equal(pair.First.MrrEnd, pair.Second.MrrStart));
    }

    public static TheoryData<int> Seeds() => [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
}
