using System.Text;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Analytics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Analytics;

/// <summary>The Owner imports METRICS.md §7's example in the browser, then reads its numbers off the dashboard.</summary>
public sealed class OwnerImportAndDashboardTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string WorkedExample = """
        occurred_at,customer_id,customer_email,subscription_id,event,product_code,plan_code,unit_amount,currency,interval,interval_count,quantity,discount_percent
        2026-01-10T10:00:00Z,cus_1,ada@example.com,A,start,gold,gold-yearly,200000,USD,year,1,4,0
        2026-01-10T10:05:00Z,cus_1,ada@example.com,B,start,kit,kit-monthly,1500,USD,month,1,1,0
        2026-02-03T09:00:00Z,cus_1,ada@example.com,C,start,silver,silver-monthly,3000,USD,month,1,2,0
        2026-03-15T12:00:00Z,cus_1,ada@example.com,C,cancel,,,,,,,,
        2026-04-20T06:00:00Z,cus_1,ada@example.com,B,past_due,,,,,,,,
        2026-04-27T06:00:00Z,cus_1,ada@example.com,B,unpaid,,,,,,,,
        2026-05-05T12:00:00Z,cus_1,ada@example.com,A,cancel,,,,,,,,
        2026-06-01T08:00:00Z,cus_1,ada@example.com,B,recover,,,,,,,,

        """;

    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 30_000 };

    private static FilePayload File(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };

    [Fact]
    public async Task Owner_ImportsHistory_SeesBadRowsThenTheNumbersAndWhoChurned()
    {
        var page = await app.SignedInPageAsync("owner.import@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/import");
        await BrowserApp.WaitForCircuitAsync(page);

        await page.Locator("input[type=file]").Last.SetInputFilesAsync(File("bad.csv", WorkedExample.Replace("2026-03-15T12:00:00Z", "15/03/2026").Replace(",past_due,", ",overdue,")));
        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Nothing imported: 2 bad rows.", Slow);
        await Assertions.Expect(page.GetByTestId("import-problem")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("import-problem").First).ToContainTextAsync("5");
        await BrowserApp.ScreenshotAsync(page, "analytics-import-bad");

        await page.Locator("input[type=file]").Last.SetInputFilesAsync(File("history.csv", WorkedExample));
        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Imported 8 events of 8 rows; 1 new member", Slow);
        await page.Locator("input[type=file]").Last.SetInputFilesAsync(File("history.csv", WorkedExample));
        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Nothing new: all 8 rows were imported before.", Slow);

        await page.GotoAsync("/admin?from=2026-01&to=2026-06");
        await BrowserApp.WaitForCircuitAsync(page);
        // June: B was paid again after the whole account churned in May.
        await Assertions.Expect(page.GetByTestId("kpi-mrr-value")).ToHaveTextAsync("$15.00", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("kpi-arr-value")).ToHaveTextAsync("$180.00");
        await Assertions.Expect(page.GetByTestId("kpi-customer-churn-value")).ToHaveTextAsync("—");
        await Assertions.Expect(page.GetByTestId("cell-2026-01-new")).ToHaveTextAsync("$681.67");

        await page.GetByTestId("bar-2026-05-churn").ClickAsync();
        await Assertions.Expect(page.GetByTestId("drill-title")).ToHaveTextAsync("Churn, May 2026");
        var row = page.GetByTestId("drill-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("ada@example.com");
        await Assertions.Expect(row).ToContainTextAsync("$666.67");
        await Assertions.Expect(row.GetByTestId("member-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/admin/members/.+"));
        await BrowserApp.ScreenshotAsync(page, "analytics-worked-example");

        await page.GetByTestId("drill-close").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-monthly").ClickAsync());
        Assert.Equal("metrics-2026-01-2026-06.csv", download.SuggestedFilename);
        var csv = await System.IO.File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("month,mrr_start,new,expansion,contraction,churn,reactivation,mrr_end,", csv);
        Assert.Contains("\n2026-05,66666.67,0,0,0,66666.67,0,0,1,0,0,0,1,1,", csv);
    }
}

/// <summary>After seed-demo the Owner sees a living dashboard and can open a month's churn.</summary>
public sealed class DemoDashboardTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var scope = app.Portal.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(members: 400, months: 24);
        Assert.True(outcome.Succeeded, outcome.Message);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Owner_AfterSeedDemo_SeesKpisChartsAndTheChurnedCustomersOfAMonth()
    {
        var page = await app.SignedInPageAsync("owner.demo@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin");
        await BrowserApp.WaitForCircuitAsync(page);

        decimal expected;
        await using (var scope = app.Portal.Services.CreateAsyncScope())
        {
            var analytics = scope.ServiceProvider.GetRequiredService<AnalyticsService>();
            expected = (await analytics.MonthlyAsync(analytics.CurrentMonth, analytics.CurrentMonth))[0].MrrEnd;
        }
        Assert.True(expected > 0);
        await Assertions.Expect(page.GetByTestId("kpi-mrr-value")).ToHaveTextAsync(AnalyticsFormat.Money(expected, "USD"), new() { Timeout = 30_000 });
        string[] tiles = ["mrr", "arr", "customers", "customer-churn", "gross-mrr-churn", "net-mrr-churn", "nrr", "grr", "arpa", "aov", "ltv",
            "quick-ratio", "cac", "payback", "recovered"];
        foreach (var tile in tiles)
            await Assertions.Expect(page.GetByTestId("kpis").GetByTestId($"kpi-{tile}-value")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("movements-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("cohort-heatmap")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-chart svg").First).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "analytics-dashboard");

        var churnBar = page.Locator("[data-testid$='-churn'][data-testid^='bar-']").Last;
        var testId = await churnBar.GetAttributeAsync("data-testid");
        await churnBar.ClickAsync();
        await Assertions.Expect(page.GetByTestId("drill-title")).ToContainTextAsync("Churn, ");
        await Assertions.Expect(page.GetByTestId("drill-row").First).ToContainTextAsync("Churn");
        Assert.NotNull(testId);
        await BrowserApp.ScreenshotAsync(page, "analytics-drill-churn");

        await page.GetByTestId("drill-close").ClickAsync();
        await page.GetByTestId("kpi-customers").ClickAsync();
        await Assertions.Expect(page.GetByTestId("drill-title")).ToContainTextAsync("Paying customers");
        await Assertions.Expect(page.GetByTestId("drill-row").First).ToBeVisibleAsync();
        await page.GetByTestId("drill-close").ClickAsync();

        decimal boxes;
        await using (var scope = app.Portal.Services.CreateAsyncScope())
        {
            var analytics = scope.ServiceProvider.GetRequiredService<AnalyticsService>();
            boxes = (await analytics.MonthlyAsync(analytics.CurrentMonth, analytics.CurrentMonth, new AnalyticsFilter(Domain.Catalog.ProductKind.Box)))[0].MrrEnd;
        }
        Assert.True(boxes > 0 && boxes < expected);
        await page.GetByTestId("filter-kind").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Box", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("kpi-mrr-value")).ToHaveTextAsync(AnalyticsFormat.Money(boxes, "USD"), new() { Timeout = 30_000 });
    }
}
