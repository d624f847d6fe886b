using System.Diagnostics;
using System.Text;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Domain.Metrics.Import;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Analytics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// dotnet run -c Release --project bench/MembershipPortal.MetricsBench -- [--customers N] [--months M] [--no-sqlite] [--smoke]
// Times the metrics engine on a generated history (seed-demo's generator): parse, replay and full rebuild, the monthly
// report and cohorts, incremental appends against a rebuild; then on SQLite the import, the metrics report and the
// dashboard's data, cold (the history folded from the database) and warm.
// --smoke: a tiny history, to check in CI that the bench still runs (figures meaningless).
var smoke = args.Contains("--smoke");
var customers = Option("--customers", smoke ? 300 : 10_000);
var months = Option("--months", smoke ? 6 : 24);
var sqlite = !args.Contains("--no-sqlite");
var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
var to = YearMonth.Of(now);
var from = to.AddMonths(-(months - 1));

Console.WriteLine($"History: {customers:N0} customers over {months} months (generated), {Environment.ProcessorCount} cores, load {Load()}");
var csv = Time("generate CSV", () => DemoHistory.Generate(customers, months, now));
if (Text("--csv") is { } csvPath)
{
    // The same history as a file, for timing the command line: import-history FILE, then metrics.
    await File.WriteAllTextAsync(csvPath, csv);
    Console.WriteLine($"Wrote {csvPath}");
    return;
}
var parsed = Time("parse CSV", () => HistoryCsv.Parse(csv, "USD"));
Console.WriteLine($"  {parsed.Rows:N0} rows, {parsed.Problems.Count} problems");
var replayed = Time("replay events", () => HistoryReplay.Replay(parsed.Events, new HistoryReplayOptions { SubscriptionPrefix = "import:" }));
Console.WriteLine($"  {replayed.Changes.Count:N0} MRR changes");
var engine = Time("full rebuild (engine)", () => MrrEngine.Build(replayed.Changes));
var rows = Time($"monthly report, {months} months", () => MetricsReport.Build(engine, from, to, new MetricsSettings { AsOf = DateOnly.FromDateTime(now.UtcDateTime) }));
Time("cohort table", () => CohortTable.Build(engine, from, to));
Console.WriteLine($"  identity holds every month: {rows.All(r => r.IdentityHolds)}; MRR at the end: {MetricsExport.Money(rows[^1].MrrEnd)}; customers: {rows[^1].CustomersEnd:N0}");

var sorted = replayed.Changes.OrderBy(c => c, SubscriptionMrrChange.Order).ToList();
var cut = sorted.Count * 99 / 100;
var incremental = MrrEngine.Build(sorted.Take(cut));
Time($"append last 1% ({sorted.Count - cut:N0} changes)", () => { incremental.Append(sorted.Skip(cut)); return 0; });
Console.WriteLine($"  incremental == rebuild: {Describe(incremental).SequenceEqual(Describe(engine))}");

if (sqlite)
{
    var path = Path.Combine(Path.GetTempPath(), $"metrics-bench-{Guid.NewGuid():N}.db");
    var factory = new Factory($"Data Source={path}");
    try
    {
        await using (var db = factory.CreateDbContext())
        {
            await db.Database.MigrateAsync();
            await DemoHistory.CreateCatalogAsync(db, now);
        }
        var options = Options.Create(new AnalyticsOptions());
        var store = new AnalyticsStore(factory, options, NullLogger<AnalyticsStore>.Instance);
        var importer = new HistoryImportService(factory, store, new UpperInvariantLookupNormalizer(), TimeProvider.System, NullLogger<HistoryImportService>.Instance,
            // Outside a request the actor is the system, as for the import-history command.
            new MembershipPortal.Web.Features.Shared.CurrentActor(new ServiceCollection()
                .AddSingleton<IDbContextFactory<AppDbContext>>(factory).BuildServiceProvider()));
        var outcome = await TimeAsync("SQLite: import-history", () => importer.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "bench.csv"));
        Console.WriteLine($"  {outcome.Summary} ({new FileInfo(path).Length / 1024 / 1024:N0} MB)");

        AnalyticsService Service(AnalyticsStore s) => new(s, new AnalyticsSettings(new SettingsStore(factory, TimeProvider.System, new MembershipPortal.Infrastructure.Audit.AuditLog(factory, TimeProvider.System)), factory), factory, new Fixed(now));
        var cold = new AnalyticsStore(factory, options, NullLogger<AnalyticsStore>.Instance);
        await TimeAsync($"SQLite: metrics report, {months} months, cold (fold from the database)", () => Service(cold).MonthlyAsync(from, to));
        await TimeAsync($"SQLite: metrics report, {months} months, warm", () => Service(cold).MonthlyAsync(from, to));
        await TimeAsync("SQLite: dashboard data, 24 months, folded history (no memo)", () => Service(cold).DashboardAsync(new DashboardRequest(to.AddMonths(-23), to, AnalyticsFilter.All)));
        var fresh = new AnalyticsStore(factory, options, NullLogger<AnalyticsStore>.Instance);
        await TimeAsync("SQLite: dashboard data, 12 months, cold (no warm-up)", () => Service(fresh).DashboardAsync(Service(fresh).DefaultDashboard));
        // What the portal does after start-up (AnalyticsWarmUp), then the Owner's first /admin.
        var started = new AnalyticsStore(factory, options, NullLogger<AnalyticsStore>.Instance);
        await TimeAsync("  start-up warm-up (in the background after start)", async () => { await started.ReadAsync(s => 0); return await Service(started).DashboardAsync(Service(started).DefaultDashboard); });
        await TimeAsync("SQLite: dashboard data, Owner's first /admin after start-up", () => Service(started).DashboardAsync(Service(started).DefaultDashboard));
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(path);
    }
}

string? Text(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
}

static T Time<T>(string what, Func<T> work)
{
    var started = Stopwatch.GetTimestamp();
    var result = work();
    Console.WriteLine($"{what,-62} {Stopwatch.GetElapsedTime(started).TotalMilliseconds,10:N0} ms");
    return result;
}

static async Task<T> TimeAsync<T>(string what, Func<Task<T>> work)
{
    var started = Stopwatch.GetTimestamp();
    var result = await work();
    Console.WriteLine($"{what,-62} {Stopwatch.GetElapsedTime(started).TotalMilliseconds,10:N0} ms");
    return result;
}

static IEnumerable<string> Describe(MrrEngine engine) =>
    engine.Movements().Select(m => $"{m.CustomerId} {m.Day} {m.Type} {m.MrrBefore} {m.MrrAfter}");

static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

/// <summary>The app's context factory, outside the app's container.</summary>
sealed class Factory(string connectionString) : IDbContextFactory<AppDbContext>
{
    private readonly DbContextOptions<SqliteAppDbContext> options = DesignTimeServices.Sqlite(connectionString);
    public AppDbContext CreateDbContext() => new SqliteAppDbContext(options);
}

/// <summary>The generated history ends on this day, so the report's last month is the history's last.</summary>
sealed class Fixed(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
