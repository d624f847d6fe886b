using System.Diagnostics;
using System.Text;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Members.Admin;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// dotnet run -c Release --project bench/MembershipPortal.MembersBench -- [--members 100000] [--live 25000] [--runs 50] [--smoke]
// Builds a SQLite portal with N members (through the real history import, which creates their accounts) of whom L
// also hold live subscriptions (some past due, some with expiring cards), then times the members list the way
// /admin/members asks for it: first page (newest first, with the total count), a search, and the filters.
// --smoke: a tiny portal, to check in CI that the bench still runs (figures meaningless); its database is deleted.
var smoke = args.Contains("--smoke");
if (args.Contains("boxes"))
{
    await BoxBench.RunAsync(Option("--subscriptions", smoke ? 300 : 50_000), Option("--kits", smoke ? 100 : 0));
    return;
}
var members = Option("--members", smoke ? 400 : 100_000);
var live = Option("--live", smoke ? 100 : 25_000);
var runs = Option("--runs", smoke ? 2 : 50);
var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
var path = Path.Combine(Path.GetTempPath(), smoke ? $"members-bench-smoke-{Guid.NewGuid():N}.db" : $"members-bench-{members}-{live}.db");
var factory = new Factory($"Data Source={path}");
Console.WriteLine($"{members:N0} members, {live:N0} with live subscriptions; {Environment.ProcessorCount} cores, load {Load()}; database {path}");

if (!File.Exists(path))
{
    var clock = Stopwatch.StartNew();
    await using (var db = factory.CreateDbContext())
    {
        await db.Database.MigrateAsync();
        await DemoHistory.CreateCatalogAsync(db, now);
    }
    var store = new AnalyticsStore(factory, Options.Create(new AnalyticsOptions()), NullLogger<AnalyticsStore>.Instance);
    var importer = new HistoryImportService(factory, store, new UpperInvariantLookupNormalizer(), TimeProvider.System, NullLogger<HistoryImportService>.Instance,
        // Outside a request the actor is the system, as for the import-history command; it checks the database.
        new MembershipPortal.Web.Features.Shared.CurrentActor(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IDbContextFactory<AppDbContext>>(
                new Microsoft.Extensions.DependencyInjection.ServiceCollection(), factory))));
    var outcome = await importer.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(DemoHistory.Generate(members, 24, now))), "bench.csv");
    Console.WriteLine($"  seeded accounts by import: {outcome.Summary}");
    await SeedSubscriptionsAsync(factory, live, now);
    Console.WriteLine($"  seeded in {clock.Elapsed.TotalSeconds:N1} s ({new FileInfo(path).Length / 1024 / 1024:N0} MB)");
}
else
{
    // A database seeded by an older build gets this build's migrations (an index added since), or it measures the old schema.
    await using var db = factory.CreateDbContext();
    var pending = (await db.Database.GetPendingMigrationsAsync()).Count();
    await db.Database.MigrateAsync();
    Console.WriteLine($"  reused the seeded database; {pending} migration(s) applied");
}

var service = new MemberAdminService(factory, null!, null!, null!, null!, new Fixed(now));
Guid proId;
await using (var db = factory.CreateDbContext()) proId = await db.Products.Where(p => p.Kind == ProductKind.Membership).OrderBy(p => p.Rank).Select(p => p.Id).LastAsync();

await MeasureAsync("first page (newest, 25 rows + total)", new MemberFilter(), MemberSort.Newest);
await MeasureAsync("search 'ada.turing'", new MemberFilter { Search = "ada.turing" }, MemberSort.Newest);
await MeasureAsync("status = active", new MemberFilter { Status = MemberStatusFilter.Active }, MemberSort.Newest);
await MeasureAsync("status = past due", new MemberFilter { Status = MemberStatusFilter.PastDue }, MemberSort.Newest);
await MeasureAsync("product = top tier", new MemberFilter { ProductId = proId }, MemberSort.Newest);
await MeasureAsync("at risk", new MemberFilter { AtRisk = true }, MemberSort.Newest);
await MeasureAsync("sorted by email", new MemberFilter(), MemberSort.Email);
if (smoke)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    File.Delete(path);
}

async Task MeasureAsync(string name, MemberFilter filter, MemberSort sort)
{
    var page = await service.ListAsync(filter, sort, 0, 25); // warm-up
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        page = await service.ListAsync(filter, sort, 0, 25);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{name,-40} median {times[times.Count / 2],7:N1} ms   p95 {times[(int)(times.Count * 0.95)],7:N1} ms   ({page.Total:N0} found)");
}

static async Task SeedSubscriptionsAsync(Factory factory, int count, DateTimeOffset now)
{
    await using var db = factory.CreateDbContext();
    var prices = await db.Prices.AsNoTracking().ToListAsync();
    var products = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id);
    var plans = prices.Where(p => products[p.ProductId].Kind == ProductKind.Membership && !p.IsArchived).ToList();
    var ids = await db.Users.OrderBy(u => u.Id).Select(u => u.Id).Take(count).ToListAsync();
    var random = new Random(7);
    for (var start = 0; start < ids.Count; start += 2_000)
    {
        await using var batch = factory.CreateDbContext();
        batch.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var id in ids.Skip(start).Take(2_000))
        {
            var price = plans[random.Next(plans.Count)];
            var started = now.AddDays(-random.Next(1, 700));
            var sub = Subscription.Start(id, [new NewSubscriptionItem(price)], started, paymentConfirmed: true);
            if (random.Next(20) == 0)
                sub.RecordPaymentFailed(now.AddDays(-2));
            batch.Subscriptions.Add(sub);
            batch.SubscriptionRecords.Add(new SubscriptionRecord { SubscriptionId = sub.Id, Gateway = "Test" });
            if (random.Next(10) == 0)
                batch.BillingProfiles.Add(new BillingProfile { MemberId = id, Gateway = "Test", CardBrand = "Visa", CardLast4 = "4242", CardExpMonth = 12, CardExpYear = 2026, UpdatedAt = now });
        }
        await batch.SaveChangesAsync();
    }
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

sealed class Factory(string connectionString) : IDbContextFactory<AppDbContext>
{
    private readonly DbContextOptions<SqliteAppDbContext> options = DesignTimeServices.Sqlite(connectionString);
    public AppDbContext CreateDbContext() => new SqliteAppDbContext(options);
}

sealed class Fixed(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
