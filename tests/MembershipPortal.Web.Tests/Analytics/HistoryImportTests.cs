using System.Text;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Analytics;

public sealed class HistoryImportTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();

    public const string Header = "occurred_at,customer_id,customer_email,subscription_id,event,product_code,plan_code,unit_amount,currency,interval,interval_count,quantity,discount_percent";

    /// <summary>METRICS.md §7's worked example as a file.</summary>
    public const string WorkedExample = Header + """

        2026-01-10T10:00:00Z,cus_1,ada@example.com,A,start,gold,gold-yearly,200000,USD,year,1,4,0
        2026-01-10T10:05:00Z,cus_1,ada@example.com,B,start,kit,kit-monthly,1500,USD,month,1,1,0
        2026-02-03T09:00:00Z,cus_1,ada@example.com,C,start,silver,silver-monthly,3000,USD,month,1,2,0
        2026-03-15T12:00:00Z,cus_1,ada@example.com,C,cancel,,,,,,,,
        2026-04-20T06:00:00Z,cus_1,ada@example.com,B,past_due,,,,,,,,
        2026-04-27T06:00:00Z,cus_1,ada@example.com,B,unpaid,,,,,,,,
        2026-05-05T12:00:00Z,cus_1,ada@example.com,A,cancel,,,,,,,,
        2026-06-01T08:00:00Z,cus_1,ada@example.com,B,recover,,,,,,,,

        """;

    public Task InitializeAsync()
    {
        _ = factory.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private async Task<ImportOutcome> ImportAsync(string csv)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<HistoryImportService>()
            .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "history.csv");
    }

    private async Task<IReadOnlyList<MonthlyMetrics>> MetricsAsync(string from, string to)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AnalyticsService>().MonthlyAsync(YearMonth.Parse(from), YearMonth.Parse(to));
    }

    private AppDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<(int Events, int Imports, int Customers, int Users)> CountsAsync()
    {
        await using var db = Db();
        return (await db.ImportedEvents.CountAsync(), await db.HistoryImports.CountAsync(), await db.ImportedCustomers.CountAsync(), await db.Users.CountAsync());
    }

    [Fact]
    public async Task Import_WorkedExample_GivesTheMovementsOfMetricsSection7()
    {
        var outcome = await ImportAsync(WorkedExample);

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Problems));
        Assert.Equal((8, 8, 1), (outcome.Rows, outcome.NewEvents, outcome.NewMembers));
        var rows = await MetricsAsync("2026-01", "2026-06");
        Assert.Equal([68166.67m, 0, 0, 0, 0, 0], rows.Select(r => r.New));
        Assert.Equal([0m, 6000, 0, 0, 0, 0], rows.Select(r => r.Expansion));
        Assert.Equal([0m, 0, 6000, 1500, 0, 0], rows.Select(r => r.Contraction));
        Assert.Equal([0m, 0, 0, 0, 66666.67m, 0], rows.Select(r => r.Churn));
        Assert.Equal([0m, 0, 0, 0, 0, 1500], rows.Select(r => r.Reactivation));
        Assert.All(rows, r => Assert.True(r.IdentityHolds));
        Assert.Null(rows[5].CustomerChurnRate);
    }

    [Fact]
    public async Task Import_NewCustomer_BecomesAMemberWithoutPasswordAndNoEmailIsSent()
    {
        await ImportAsync(WorkedExample);

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var member = await users.FindByEmailAsync("ada@example.com");
        Assert.NotNull(member);
        Assert.False(await users.HasPasswordAsync(member));
        Assert.True(member.EmailConfirmed);
        Assert.Empty(await users.GetRolesAsync(member));
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.Zero), member.CreatedAt);
        Assert.False(Directory.Exists(factory.MailDirectory) && Directory.EnumerateFiles(factory.MailDirectory).Any());
    }

    [Fact]
    public async Task Import_SameFileTwice_ChangesNothingTheSecondTime()
    {
        await ImportAsync(WorkedExample);
        var before = await CountsAsync();
        var metricsBefore = MetricsExport.ToCsv(await MetricsAsync("2026-01", "2026-06"));

        var second = await ImportAsync(WorkedExample);

        Assert.True(second.Succeeded);
        Assert.Equal((0, 8), (second.NewEvents, second.AlreadyImported));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(metricsBefore, MetricsExport.ToCsv(await MetricsAsync("2026-01", "2026-06")));
    }

    [Fact]
    public async Task Import_BadFile_ReportsEveryBadRowByLineAndWritesNothing()
    {
        var before = await CountsAsync();
        var csv = string.Join("\n",
            Header,
            "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0",
            "10 January 2026,c1,a@example.com,s1,change,gold,gold-m,2000,USD,month,1,1,0",
            "2026-01-12T10:00:00Z,c1,a@example.com,s1,upgrade,,,,,,,,",
            "2026-01-13T10:00:00Z,c2,b@example.com,s2,start,gold,gold-m,-100,USD,month,1,1,0",
            "2026-01-14T10:00:00Z,c3,c@example.com,s3,start,gold,,,,,,,",
            "2026-01-15T10:00:00Z,c4,d@example.com,s4,start,gold,gold-m,1000,USD,month,1,1,0");

        var outcome = await ImportAsync(csv);

        Assert.False(outcome.Succeeded);
        Assert.Equal([3, 4, 5, 6], outcome.Problems.Select(p => p.Line));
        Assert.Contains("occurred_at", outcome.Problems[0].Reason);
        Assert.Contains("unknown event 'upgrade'", outcome.Problems[1].Reason);
        Assert.Contains("negative", outcome.Problems[2].Reason);
        Assert.Contains("plan_code, unit_amount, currency, interval are empty", outcome.Problems[3].Reason);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Import_EventForUnknownSubscription_IsReportedAndNothingIsWritten()
    {
        var csv = string.Join("\n", Header,
            "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0",
            "2026-02-10T10:00:00Z,c1,a@example.com,s404,cancel,,,,,,,,");

        var outcome = await ImportAsync(csv);

        var problem = Assert.Single(outcome.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("s404", problem.Reason);
        Assert.Equal((0, 0, 0), ((await CountsAsync()).Events, (await CountsAsync()).Imports, (await CountsAsync()).Customers));
    }

    [Fact]
    public async Task Import_ALaterFile_ContinuesEarlierHistory_AndTheDashboardSeesIt()
    {
        await ImportAsync(string.Join("\n", Header, "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0"));
        Assert.Equal(1000m, (await MetricsAsync("2026-02", "2026-02"))[0].MrrEnd);

        var outcome = await ImportAsync(string.Join("\n", Header,
            "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0",
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,"));

        Assert.Equal((1, 1), (outcome.NewEvents, outcome.AlreadyImported));
        var feb = (await MetricsAsync("2026-02", "2026-02"))[0];
        Assert.Equal((1000m, 0m), (feb.Churn, feb.MrrEnd));
    }

    [Fact]
    public async Task Import_ALaterFileThatContradictsEarlierHistory_IsRefused()
    {
        await ImportAsync(string.Join("\n", Header,
            "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0",
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,"));

        var outcome = await ImportAsync(string.Join("\n", Header, "2026-03-10T10:00:00Z,c1,a@example.com,s1,resume,,,,,,,,"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(2, Assert.Single(outcome.Problems).Line);
        Assert.Equal(2, (await CountsAsync()).Events);
    }

    [Fact]
    public async Task Import_CustomerWithAnExistingAccount_IsLinkedNotCreated()
    {
        var existing = await factory.CreateUserAsync("ada@example.com", "a long member passphrase");
        var users = (await CountsAsync()).Users;

        var outcome = await ImportAsync(WorkedExample);

        Assert.Equal((0, 1), (outcome.NewMembers, outcome.MatchedMembers));
        Assert.Equal(users, (await CountsAsync()).Users);
        await using var db = Db();
        Assert.Equal(existing.Id, (await db.ImportedCustomers.SingleAsync()).MemberId);
    }

    [Fact]
    public async Task Import_CurrencyOtherThanTheReportingOne_IsABadRow()
    {
        var outcome = await ImportAsync(string.Join("\n", Header, "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,EUR,month,1,1,0"));

        Assert.Contains("reporting currency USD", Assert.Single(outcome.Problems).Reason);
    }

    [Fact]
    public async Task Import_NotUtf8_IsRefused()
    {
        using var scope = factory.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>()
            .ImportAsync(new MemoryStream([0x6f, 0x63, 0xff, 0xfe, 0x00, 0x41]), "x.csv");

        Assert.Contains("UTF-8", Assert.Single(outcome.Problems).Reason);
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        var code = await PortalCli.RunAsync(args, new CliConsole(writer, writer, TextReader.Null, true), _ => ValueTask.FromResult(new CommandServices(factory.Services)));
        return (code, writer.ToString());
    }

    [Fact]
    public async Task Cli_ImportHistoryThenMetrics_PrintsSection6()
    {
        var file = Path.Combine(factory.Root, "worked.csv");
        await File.WriteAllTextAsync(file, WorkedExample);

        var (code, output) = await RunAsync("import-history", file);
        Assert.Equal((PortalCli.Ok, "Imported 8 events of 8 rows; 1 new member, 0 matched by e-mail."), (code, output.Trim()));

        var (metricsCode, csv) = await RunAsync("metrics", "--from", "2026-01", "--to", "2026-06");
        Assert.Equal(PortalCli.Ok, metricsCode);
        var lines = csv.TrimEnd().Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("month,mrr_start,new,expansion", lines[0]);
        Assert.StartsWith("2026-05,66666.67,0,0,0,66666.67,0,0,1,0,0,0,1,1,", lines[5]);

        var (jsonCode, json) = await RunAsync("metrics", "--from", "2026-06", "--to", "2026-06", "--format", "json");
        Assert.Equal(PortalCli.Ok, jsonCode);
        Assert.Contains("\"reactivation\": 1500", json);
    }

    [Fact]
    public async Task Cli_ImportHistoryBadFile_ExitsNonZeroWithLineNumbers()
    {
        var file = Path.Combine(factory.Root, "bad.csv");
        await File.WriteAllTextAsync(file, string.Join("\n", Header, "yesterday,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0"));

        var (code, output) = await RunAsync("import-history", file);

        Assert.Equal(PortalCli.Failed, code);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("line 2: occurred_at 'yesterday'", output);
    }

    [Fact]
    public async Task Cli_SeedDemo_FillsAnEmptyPortalOnce()
    {
        var (code, output) = await RunAsync("seed-demo", "--members", "60", "--months", "12");

        Assert.Equal(PortalCli.Ok, code);
        Assert.Matches(@"Demo catalog created and \d+ history events imported for 60 members\.$", output.Trim());
        var rows = await MetricsAsync("2026-01", "2026-11");
        Assert.True(rows[^1].MrrEnd > 0);
        Assert.All(rows, r => Assert.True(r.IdentityHolds));

        // seed-demo is idempotent: a second run adds nothing and says so.
        var (again, message) = await RunAsync("seed-demo");
        Assert.Equal(PortalCli.Ok, again);
        Assert.Contains("Demo history already present; nothing imported.", message);
        Assert.Equal(rows[^1].MrrEnd, (await MetricsAsync("2026-01", "2026-11"))[^1].MrrEnd);
    }

    [Theory]
    [InlineData("seed-demo", "--members", "0")]
    [InlineData("seed-demo", "--colour", "blue")]
    [InlineData("import-history")]
    [InlineData("import-history", "/no/such/file.csv")]
    [InlineData("import-history", "a.csv", "b.csv")]
    [InlineData("metrics", "--from", "2026-01")]
    [InlineData("metrics", "--from", "2026-13", "--to", "2026-14")]
    [InlineData("metrics", "--from", "2026-05", "--to", "2026-01")]
    [InlineData("metrics", "--from", "2026-01", "--to", "2026-02", "--format", "xml")]
    public async Task Cli_BadArguments_ExitTwoWithProblemThenUsage(params string[] args)
    {
        var (code, output) = await RunAsync(args);

        Assert.Equal(PortalCli.BadArguments, code);
        var lines = output.Trim().Split('\n');
        Assert.NotEqual("Description:", lines[0]);
        Assert.Contains("Usage:", lines);
    }
}
