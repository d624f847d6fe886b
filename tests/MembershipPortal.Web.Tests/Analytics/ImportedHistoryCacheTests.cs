using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Tests.Analytics;

/// <summary>The replay cache that makes a cold start read imported history without replaying it: exact, keyed, and never trusted when damaged.</summary>
public sealed class ImportedHistoryCacheTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mp-cache-tests-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        _ = factory.Server;
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private static readonly DateTimeOffset T = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private static ImportedHistoryPart Sample() => new(
        [
            new SubscriptionMrrChange("member-1", "import:A", T, 42, 1234.57m, MrrChangeReason.Subscribed, "start"),
            new SubscriptionMrrChange("member-1", "import:A", T.AddDays(3), 43, 0m, MrrChangeReason.Other),
            new SubscriptionMrrChange("import:cus_9", "import:B", T.AddMonths(1), (7L << 32) | 5, 99m, MrrChangeReason.Quantity, "change"),
        ],
        new Dictionary<string, SubscriptionSegment>
        {
            ["import:A"] = new(ProductKind.Membership, Guid.Empty.ToString(), "Gold", "year", true),
            ["import:B"] = new(null, "code:mystery", "mystery", "month", true),
        },
        new Dictionary<string, TrialRecord>
        {
            ["import:A"] = new(T.AddDays(-14), T, T),
            ["import:B"] = new(T.AddDays(-1), null, null),
        });

    [Fact]
    public void SaveThenLoad_SameKey_GivesBackEveryChangeSegmentAndTrial()
    {
        var path = Path.Combine(folder, "a.analytics-cache");
        var part = Sample();

        ImportedHistoryCache.Save(path, "key-1", part);
        var loaded = ImportedHistoryCache.TryLoad(path, "key-1");

        Assert.NotNull(loaded);
        Assert.Equal(part.Changes, loaded.Changes);
        Assert.Equal(part.Segments.OrderBy(p => p.Key), loaded.Segments.OrderBy(p => p.Key));
        Assert.Equal(part.Trials.OrderBy(p => p.Key), loaded.Trials.OrderBy(p => p.Key));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Save_KeepsTheChangesInTheEnginesOrder_AndTheColdStartMergesThemWithTheLiveOnes()
    {
        var path = Path.Combine(folder, "sorted.analytics-cache");
        var part = Sample();
        var shuffled = part with { Changes = [part.Changes[2], part.Changes[0], part.Changes[1]] };

        ImportedHistoryCache.Save(path, "key-s", shuffled);
        var loaded = ImportedHistoryCache.TryLoad(path, "key-s");

        Assert.NotNull(loaded);
        Assert.Equal(part.Changes, loaded.Changes); // sorted on the way in: a cold start does not sort them again
        var live = new List<SubscriptionMrrChange>
        {
            new("member-2", "s1", T.AddDays(-1), 1, 10m, MrrChangeReason.Subscribed),
            new("member-2", "s1", T.AddDays(5), 2, 20m, MrrChangeReason.AddOn),
            new("member-2", "s1", T.AddMonths(2), 3, 0m, MrrChangeReason.Other),
        };
        var expected = live.Concat(part.Changes).Order(SubscriptionMrrChange.Order).ToList();
        Assert.Equal(expected, AnalyticsStore.Merge(live, loaded.Changes));
        // A list out of order (a replay that did not come from the cache) is sorted before the merge.
        Assert.Equal(expected, AnalyticsStore.Merge(live, shuffled.Changes));
    }

    [Fact]
    public void Load_AnotherKeyMissingFileOrDamagedFile_IsAMiss()
    {
        var path = Path.Combine(folder, "b.analytics-cache");
        ImportedHistoryCache.Save(path, "key-1", Sample());
        var bytes = File.ReadAllBytes(path);

        Assert.Null(ImportedHistoryCache.TryLoad(path, "key-2"));
        Assert.Null(ImportedHistoryCache.TryLoad(Path.Combine(folder, "none"), "key-1"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Null(ImportedHistoryCache.TryLoad(path, "key-1"));
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("not a cache at all"));
        Assert.Null(ImportedHistoryCache.TryLoad(path, "key-1"));
    }

    [Fact]
    public void Key_ChangesWithImportsCurrencyAndProducts()
    {
        var product = (Guid.NewGuid(), "gold", "Gold", ProductKind.Membership);
        var key = ImportedHistoryCache.Key("USD", [(1, "aa")], [product]);

        Assert.Equal(key, ImportedHistoryCache.Key("USD", [(1, "aa")], [product]));
        Assert.NotEqual(key, ImportedHistoryCache.Key("EUR", [(1, "aa")], [product]));
        Assert.NotEqual(key, ImportedHistoryCache.Key("USD", [(1, "aa"), (2, "bb")], [product]));
        Assert.NotEqual(key, ImportedHistoryCache.Key("USD", [(1, "aa")], [product with { Item4 = ProductKind.AddOn }]));
    }

    [Fact]
    public async Task ColdStart_AfterAnImport_ReadsTheCacheAndGivesTheSameMetrics_PrefetchedOrNot_EvenWhenTheCacheIsDamaged()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>()
                .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(HistoryImportTests.WorkedExample)), "history.csv");
            Assert.True(outcome.Succeeded);
        }
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        string path;
        await using (var db = await dbFactory.CreateDbContextAsync())
            path = ImportedHistoryCache.PathFor(db.Database.GetConnectionString(), sqlite: true)!;
        Assert.True(File.Exists(path), "the import writes the cache");

        async Task<decimal[]> ColdNewAsync()
        {
            var store = new AnalyticsStore(dbFactory, Options.Create(new AnalyticsOptions()), NullLogger<AnalyticsStore>.Instance);
            return await store.ReadAsync(s => MetricsReport.Build(s.Engine, YearMonth.Parse("2026-01"), YearMonth.Parse("2026-06")).Select(r => r.New + r.Churn + r.Reactivation).ToArray());
        }

        async Task<decimal[]> PrefetchedAsync()
        {
            // What the metrics command does: the cache file is read in the background before the key is known.
            var store = new AnalyticsStore(dbFactory, Options.Create(new AnalyticsOptions()), NullLogger<AnalyticsStore>.Instance);
            store.PrefetchImportCache();
            return await store.ReadAsync(s => MetricsReport.Build(s.Engine, YearMonth.Parse("2026-01"), YearMonth.Parse("2026-06")).Select(r => r.New + r.Churn + r.Reactivation).ToArray());
        }

        var fromCache = await ColdNewAsync();
        Assert.Equal(fromCache, await PrefetchedAsync());
        var (savedKey, _) = ImportedHistoryCache.TryLoadAny(path)!.Value;
        // A cache made under another key (another import, currency or catalog) is prefetched but not used.
        var part = ImportedHistoryCache.TryLoad(path, savedKey)!;
        ImportedHistoryCache.Save(path, "another key", part with { Changes = [] });
        Assert.Equal(fromCache, await PrefetchedAsync());
        Assert.Equal(savedKey, ImportedHistoryCache.TryLoadAny(path)!.Value.Key); // replayed and written again under its own key
        File.WriteAllBytes(path, [1, 2, 3]);
        var replayed = await ColdNewAsync();

        Assert.Equal([68166.67m, 0, 0, 0, 66666.67m, 1500], fromCache);
        Assert.Equal(fromCache, replayed);
        Assert.True(new FileInfo(path).Length > 3, "a damaged cache is replaced by a good one");
    }
}
