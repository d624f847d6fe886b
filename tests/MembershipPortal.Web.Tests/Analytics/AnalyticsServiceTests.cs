using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Analytics;

/// <summary>The numbers behind the dashboard: drill-downs, KPI cards and segments, on METRICS.md §7's example.</summary>
public sealed class AnalyticsServiceTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private static readonly YearMonth Jan = new(2026, 1), Jun = new(2026, 6);

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        // The example's product codes match these products, so the dashboard can filter imported history by kind.
        await using (var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext())
        {
            db.Products.AddRange(
                new Product { Name = "Gold", Slug = "gold", Kind = ProductKind.Membership },
                new Product { Name = "Silver", Slug = "silver", Kind = ProductKind.Membership },
                new Product { Name = "Kit", Slug = "kit", Kind = ProductKind.AddOn });
            await db.SaveChangesAsync();
        }
        using var scope = factory.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>()
            .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(HistoryImportTests.WorkedExample)), "example.csv");
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Problems));
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private AnalyticsService Analytics() => factory.Services.CreateScope().ServiceProvider.GetRequiredService<AnalyticsService>();

    [Fact]
    public async Task Movements_OfAMonthAndType_ListTheCustomerAndTheSubscriptionChange()
    {
        var rows = await Analytics().MovementsAsync(AnalyticsFilter.All, new YearMonth(2026, 5), [MovementType.Churn]);

        var row = Assert.Single(rows);
        Assert.Equal(("ada@example.com", new DateOnly(2026, 5, 5), 66666.67m, 0m), (row.Email, row.Day, row.Amount, row.MrrAfter));
        Assert.Contains("cancel: gold/gold-yearly 200000 USD every year × 4", row.Changes);
    }

    [Fact]
    public async Task Customers_WithTheirMrrAtBothMonthEnds()
    {
        var row = Assert.Single(await Analytics().CustomersAsync(AnalyticsFilter.All, new YearMonth(2026, 2), Jan, payingAtBase: false));

        Assert.Equal((68166.67m, 74166.67m), (row.MrrBase, row.MrrEnd));
        Assert.Empty(await Analytics().CustomersAsync(AnalyticsFilter.All, Jan, Jan.AddMonths(-12), payingAtBase: true));
    }

    [Fact]
    public async Task Recoveries_ListSubscriptionsPaidAgain()
    {
        var row = Assert.Single(await Analytics().RecoveriesAsync(AnalyticsFilter.All, Jun));

        Assert.Equal((1500m, "import:B"), (row.Mrr, row.SubscriptionId));
    }

    [Fact]
    public async Task Kpis_ForJune_ShowValuesChangesAndFormulas()
    {
        var data = await Analytics().DashboardAsync(new DashboardRequest(Jan, Jun, AnalyticsFilter.All));
        var tiles = KpiBoard.Build(data).ToDictionary(t => t.Key);

        Assert.Equal(("$15.00", "+$15.00 vs May 26", true), (tiles["mrr"].Value, tiles["mrr"].Change, tiles["mrr"].Improved));
        Assert.Equal("$180.00", tiles["arr"].Value);
        Assert.Equal("1", tiles["customers"].Value);
        Assert.Equal("—", tiles["customer-churn"].Value);
        Assert.Equal("$15.00", tiles["recovered"].Value);
        Assert.Equal("Enter spend", tiles["cac"].Value);
        Assert.Equal("customer_churn_rate = churned_customers / customers_start", tiles["customer-churn"].Formula);
        Assert.Equal(DrillKind.Recoveries, tiles["recovered"].Drill.Kind);
        Assert.Equal([MovementType.Churn], tiles["customer-churn"].Drill.Types);
    }

    [Fact]
    public async Task AcquisitionSpend_GivesCacAndPayback()
    {
        var analytics = Analytics();
        await analytics.SetAcquisitionSpendAsync(Jan, 34_083_34);

        var january = (await analytics.MonthlyAsync(Jan, Jan)).Single();

        Assert.Equal(3408334m, january.Cac);
        Assert.Equal(3408334m / 68166.67m, january.CacPaybackMonths);
    }

    [Fact]
    public async Task GrossMargin_ScalesLtv()
    {
        var analytics = Analytics();
        var before = (await analytics.MonthlyAsync(Jun, Jun)).Single().Ltv;
        await analytics.SetGrossMarginPercentAsync(80);

        var after = (await analytics.MonthlyAsync(Jun, Jun)).Single().Ltv;

        Assert.NotNull(before);
        Assert.Equal(before * 0.8m, after);
    }

    [Theory]
    [InlineData(ProductKind.AddOn, "1500")]
    [InlineData(ProductKind.Membership, "0")]
    public async Task Filter_ByKind_SegmentsImportedHistoryByProductCode(ProductKind kind, string mrr)
    {
        var june = (await Analytics().MonthlyAsync(Jun, Jun, new AnalyticsFilter(kind))).Single();

        Assert.Equal(decimal.Parse(mrr), june.MrrEnd);
    }

    [Fact]
    public async Task Dashboard_OffersTheProductsAndIntervalsItKnows()
    {
        var data = await Analytics().DashboardAsync(new DashboardRequest(Jan, Jun, AnalyticsFilter.All));

        Assert.Equal(["Gold", "Kit", "Silver"], data.Products.Select(p => p.Label));
        Assert.Equal(["month", "year"], data.IntervalOptions.Select(i => i.Value));
    }

    [Fact]
    public async Task Invoices_AreThePaidInvoicesOfTheMonth()
    {
        var catalog = await TestCatalog.CreateAsync(factory, "x");
        var user = await factory.CreateUserAsync("payer@example.test", "a long member passphrase");
        using (var scope = factory.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, user.Email!,
                new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"))).Succeeded);

        var invoice = Assert.Single(await Analytics().InvoicesAsync(AnalyticsFilter.All, new YearMonth(2026, 11)));

        Assert.Equal(("payer@example.test", 1900L), (invoice.Email, invoice.TotalMinor));
        Assert.StartsWith("member_id,name,email,invoice,paid_at,total\n", CsvTable.Invoices([invoice]));
    }

    [Fact]
    public void DrillDownCsvs_GuardNamesThatWouldRunAsFormulas()
    {
        var at = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var hostile = "=HYPERLINK(\"https://evil.example\",\"x\")";
        Assert.Contains("\"'=HYPERLINK(", CsvTable.Invoices([new InvoiceRow("m1", hostile, "@evil.example", "INV-1", at, -1200)]));
        Assert.Contains(",'@evil.example,", CsvTable.Invoices([new InvoiceRow("m1", "Ada", "@evil.example", "INV-1", at, 1200)]));
        Assert.EndsWith(",-1200\n", CsvTable.Invoices([new InvoiceRow("m1", "Ada", "a@example.test", "INV-1", at, -1200)]));
        Assert.Contains(",'+cmd,", CsvTable.Recoveries([new RecoveryRow("m1", "+cmd", "a@example.test", at, "s1", 10m, "d")]));
    }

    [Fact]
    public async Task MonthlyTable_ExportsInTheFormatOfSection6()
    {
        var data = await Analytics().DashboardAsync(new DashboardRequest(Jan, Jun, AnalyticsFilter.All));

        var csv = MetricsExport.ToCsv(data.Months);

        Assert.StartsWith(string.Join(',', MetricsExport.Columns) + "\n2026-01,0,68166.67,", csv);
        Assert.StartsWith("signup_month,customers,starting_mrr,month_0", CsvTable.Cohorts(data.Cohorts, byRevenue: true));
        Assert.StartsWith("month,upgrade,add_on,quantity,cross_sell,other\n2026-01,0,0,0,0,0\n2026-02,0,0,0,6000,0", CsvTable.ExpansionByCause(data.Months));
    }
}
