using System.Diagnostics;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Domain.Metrics.Import;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>The engine over all history, with what the filters need to know about each subscription.</summary>
public sealed class AnalyticsSnapshot
{
    private readonly Dictionary<AnalyticsFilter, MrrEngine> filtered = [];

    internal AnalyticsSnapshot(MrrEngine engine) => Engine = engine;

    public MrrEngine Engine { get; }

    /// <summary>Engine subscription id (a portal subscription's Guid, or "import:" + the file's id) → segment.</summary>
    public Dictionary<string, SubscriptionSegment> Segments { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TrialRecord> Trials { get; } = new(StringComparer.Ordinal);

    internal long HistoryWatermark { get; set; }

    internal long ImportWatermark { get; set; }

    /// <summary>Whether skipped boxes count as pauses, and which skips and ended skip windows were folded in.</summary>
    internal string SkipFingerprint { get; set; } = "";

    /// <summary>The engine restricted to the filter's subscriptions (a segment), built once per snapshot.</summary>
    public MrrEngine For(AnalyticsFilter filter)
    {
        if (filter.IsAll)
            return Engine;
        if (!filtered.TryGetValue(filter, out var engine))
            filtered[filter] = engine = Engine.Where(c => filter.Matches(Segments.GetValueOrDefault(c.SubscriptionId)));
        return engine;
    }

    /// <summary>The products (of a kind, or all) and billing intervals the segments hold, for the filter lists.</summary>
    public (IReadOnlyList<FilterOption> Products, IReadOnlyList<FilterOption> Intervals) Options(ProductKind? kind)
    {
        var key = kind is { } k ? (int)k : -1;
        if (!options.TryGetValue(key, out var cached))
            options[key] = cached = (
                Segments.Values.Where(x => kind is null || x.Kind == kind).GroupBy(x => x.ProductKey)
                    .Select(g => new FilterOption(g.Key, g.First().ProductName)).OrderBy(o => o.Label).ToList(),
                Segments.Values.Select(x => x.Interval).Distinct().Order().Select(i => new FilterOption(i, i)).ToList());
        return cached;
    }

    private readonly Dictionary<int, (IReadOnlyList<FilterOption>, IReadOnlyList<FilterOption>)> options = [];

    /// <summary>
    /// Engine-derived dashboard parts (monthly rows, cohorts, the trailing months for the forecast) per request, settings
    /// and day, so the warm-up's answer serves the Owner's first dashboard and a repeated view is not recomputed. Cleared
    /// whenever the engine changes.
    /// </summary>
    internal Dictionary<(AnalyticsFilter Filter, YearMonth From, YearMonth To, DateOnly Today, string Settings), object> Dashboards { get; } = [];

    internal void ForgetFiltered()
    {
        filtered.Clear();
        options.Clear();
        Dashboards.Clear();
    }
}

/// <summary>
/// Keeps the metrics engine in memory. The first read folds all history (the portal's subscription history plus imported
/// history); later reads append only the subscription history rows written since (the engine's incremental path) and
/// refold everything only after an import. Reads are serialised, so the engine is never read while it changes.
/// </summary>
public sealed class AnalyticsStore(
    IDbContextFactory<AppDbContext> dbFactory, IOptions<AnalyticsOptions> options, ILogger<AnalyticsStore> logger, TimeProvider? clock = null)
{
    /// <summary>The settings key of the Owner's "a skipped box counts as a pause" option (Boxes.BoxSettings).</summary>
    public const string SkipCountsAsPauseKey = Boxes.BoxSettings.SkipCountsAsPauseKey;

    public const string ImportPrefix = "import:";
    private readonly SemaphoreSlim gate = new(1, 1);
    private AnalyticsSnapshot? snapshot;
    private volatile bool stale;

    private string? currencyOverride;
    private Task<(string Path, (string Key, ImportedHistoryPart Part)? Found)>? prefetch;

    /// <summary>
    /// Starts reading the import cache file in the background, so a cold start (the <c>metrics</c> command) parses it
    /// while it opens the database and queries the live history; the fold uses it only if its key still matches.
    /// </summary>
    public void PrefetchImportCache() => prefetch ??= Task.Run(async () =>
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var path = ImportedHistoryCache.PathFor(db.Database.GetConnectionString(), db.Database.IsSqlite());
        return (path ?? "", path is null ? null : ImportedHistoryCache.TryLoadAny(path));
    });

    private async Task<ImportedHistoryPart?> TakePrefetchedAsync(string path, string key)
    {
        if (Interlocked.Exchange(ref prefetch, null) is not { } pending)
            return null;
        try
        {
            var (prefetchedPath, found) = await pending;
            return prefetchedPath == path && found is { } f && f.Key == key ? f.Part : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null; // read it again below, the ordinary way
        }
    }

    public string Currency => currencyOverride ?? options.Value.ReportingCurrency.ToUpperInvariant();

    /// <summary>The Owner's reporting currency from settings (null: the configured one); a change refolds history.</summary>
    public void SetReportingCurrency(string? code)
    {
        var next = string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();
        if (next == currencyOverride)
            return;
        currencyOverride = next;
        Invalidate();
    }

    /// <summary>After an import: the next read refolds everything.</summary>
    public void Invalidate() => stale = true;

    public async Task<T> ReadAsync<T>(Func<AnalyticsSnapshot, T> read, CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            snapshot = await RefreshAsync(snapshot, ct);
            return read(snapshot);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<AnalyticsSnapshot> RefreshAsync(AnalyticsSnapshot? current, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var importMax = await db.ImportedEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var historyMax = await db.Subscriptions.SelectMany(s => s.History).MaxAsync(h => (long?)EF.Property<long>(h, "Id"), ct) ?? 0;
        var skips = await SkipFingerprintAsync(db, ct);
        if (current is null || stale || importMax != current.ImportWatermark || skips != current.SkipFingerprint)
        {
            stale = false;
            var loaded = await LoadAsync(db, historyMax, importMax, skips != "off", ct);
            loaded.SkipFingerprint = skips;
            return loaded;
        }
        if (historyMax > current.HistoryWatermark)
        {
            await AppendLiveAsync(db, current, current.HistoryWatermark, historyMax, ct);
            current.HistoryWatermark = historyMax;
            current.ForgetFiltered();
        }
        return current;
    }

    private async Task<AnalyticsSnapshot> LoadAsync(AppDbContext db, long historyMax, long importMax, bool skipsArePauses, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshot = new AnalyticsSnapshot(new MrrEngine()) { HistoryWatermark = historyMax, ImportWatermark = importMax };
        var products = await Products(db, ct);
        var own = await LiveChangesAsync(db, snapshot, products, 0, historyMax, ct);
        if (skipsArePauses)
            own.AddRange(await SkipPausesAsync(db, own, ct));
        own.Sort(SubscriptionMrrChange.Order);
        // The imported part comes sorted from its cache (the bulk of a large history): a merge, not a second sort.
        var changes = Merge(own, await ImportedChangesAsync(db, snapshot, products, importMax, ct));
        snapshot.Engine.Append(changes);
        logger.LogInformation("Metrics rebuilt from {Changes} changes of {Customers} customers in {Ms} ms.",
            changes.Count, snapshot.Engine.Customers.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return snapshot;
    }

    /// <summary>Two lists in <see cref="SubscriptionMrrChange.Order"/> as one; a list out of order is sorted first.</summary>
    internal static List<SubscriptionMrrChange> Merge(List<SubscriptionMrrChange> a, IReadOnlyList<SubscriptionMrrChange> b)
    {
        if (!IsSorted(b))
            b = b.Order(SubscriptionMrrChange.Order).ToList();
        var merged = new List<SubscriptionMrrChange>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
            merged.Add(SubscriptionMrrChange.Compare(b[j], a[i]) < 0 ? b[j++] : a[i++]);
        for (; i < a.Count; i++)
            merged.Add(a[i]);
        for (; j < b.Count; j++)
            merged.Add(b[j]);
        return merged;

        static bool IsSorted(IReadOnlyList<SubscriptionMrrChange> list)
        {
            for (var k = 1; k < list.Count; k++)
                if (SubscriptionMrrChange.Compare(list[k - 1], list[k]) > 0)
                    return false;
            return true;
        }
    }

    private async Task AppendLiveAsync(AppDbContext db, AnalyticsSnapshot snapshot, long after, long upTo, CancellationToken ct)
    {
        var products = await Products(db, ct);
        var changes = await LiveChangesAsync(db, snapshot, products, after, upTo, ct);
        changes.Sort(SubscriptionMrrChange.Order);
        snapshot.Engine.Append(changes);
    }

    private DateTimeOffset Now => (clock ?? TimeProvider.System).GetUtcNow();

    /// <summary>
    /// "off" unless the Owner counts skipped boxes as pauses; then which skips have been used by a renewal and how many of
    /// their windows have ended, so a new skip, or a skipped month coming to its end, refolds the history.
    /// </summary>
    private async Task<string> SkipFingerprintAsync(AppDbContext db, CancellationToken ct)
    {
        var setting = await db.Settings.AsNoTracking().Where(s => s.Key == SkipCountsAsPauseKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (!bool.TryParse(setting, out var on) || !on)
            return "off";
        var endedBefore = Now.AddMonths(-1);
        var used = await db.BoxSkips.AsNoTracking().Where(s => s.WaivedPeriodStart != null).GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Ended = g.Count(s => s.WaivedPeriodStart <= endedBefore), Latest = g.Max(s => s.WaivedPeriodStart) })
            .FirstOrDefaultAsync(ct);
        return $"on:{used?.Count ?? 0}:{used?.Ended ?? 0}:{used?.Latest?.UtcTicks}";
    }

    /// <summary>
    /// With the Owner's option on, a skipped box is a pause for its cycle (METRICS.md: paused is 0 MRR): the subscription
    /// drops to 0 at the start of the period whose renewal the skip waived and returns to its MRR a month later (once that
    /// has happened). Only skips a renewal has used count: a skip not yet reached changes nothing yet.
    /// </summary>
    private async Task<List<SubscriptionMrrChange>> SkipPausesAsync(AppDbContext db, List<SubscriptionMrrChange> live, CancellationToken ct)
    {
        var skips = await db.BoxSkips.AsNoTracking().Where(s => s.WaivedPeriodStart != null)
            .Select(s => new { s.SubscriptionId, s.WaivedPeriodStart }).ToListAsync(ct);
        if (skips.Count == 0)
            return [];
        var history = live.GroupBy(c => c.SubscriptionId).ToDictionary(g => g.Key, g => g.OrderBy(c => c, SubscriptionMrrChange.Order).ToList());
        var now = Now;
        var sequence = long.MaxValue / 2; // after the portal's own rows at the same instant
        var result = new List<SubscriptionMrrChange>();
        foreach (var skip in skips.OrderBy(s => s.WaivedPeriodStart!.Value.UtcTicks))
        {
            var key = skip.SubscriptionId.ToString();
            var start = skip.WaivedPeriodStart!.Value;
            if (!history.TryGetValue(key, out var changes))
                continue; // no MRR history here (another currency)
            var before = changes.LastOrDefault(c => c.At <= start);
            if (before is null || before.MrrAfter == 0)
                continue;
            result.Add(new SubscriptionMrrChange(before.CustomerId, key, start, sequence++, 0m, MrrChangeReason.Other, "Box skipped: counted as a pause"));
            var end = start.AddMonths(1);
            if (end > now)
                continue;
            var back = changes.LastOrDefault(c => c.At <= end) ?? before;
            result.Add(new SubscriptionMrrChange(before.CustomerId, key, end, sequence++, back.MrrAfter, MrrChangeReason.Other, "Box resumed after a skipped cycle"));
        }
        return result;
    }

    private sealed record ProductInfo(Guid Id, string Name, string Slug, ProductKind Kind);

    private static async Task<Dictionary<Guid, ProductInfo>> Products(AppDbContext db, CancellationToken ct) =>
        (await db.Products.AsNoTracking().Select(p => new ProductInfo(p.Id, p.Name, p.Slug, p.Kind)).ToListAsync(ct)).ToDictionary(p => p.Id);

    /// <summary>
    /// The portal's own subscriptions: each history row with an MRR change (or a recovery from dunning) is one engine
    /// change. MRR on history rows is whole minor units, as the billing domain records it.
    /// </summary>
    private async Task<List<SubscriptionMrrChange>> LiveChangesAsync(
        AppDbContext db, AnalyticsSnapshot snapshot, Dictionary<Guid, ProductInfo> products, long after, long upTo, CancellationToken ct)
    {
        var rows = await db.Subscriptions.AsNoTracking()
            .SelectMany(s => s.History, (s, h) => new
            {
                SubscriptionId = s.Id,
                s.MemberId,
                Id = EF.Property<long>(h, "Id"),
                h.At,
                h.Kind,
                h.FromStatus,
                h.ToStatus,
                h.MrrBeforeMinor,
                h.MrrAfterMinor,
                h.Detail,
            })
            .Where(h => h.Id > after && h.Id <= upTo)
            .ToListAsync(ct);
        if (rows.Count == 0)
            return [];

        var ids = rows.Select(r => r.SubscriptionId).Distinct().ToList();
        var excluded = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            var subs = await db.Subscriptions.AsNoTracking().Where(s => chunk.Contains(s.Id))
                .Select(s => new { s.Id, Items = s.Items.Select(i => new { i.ProductId, i.Terms }).ToList() })
                .ToListAsync(ct);
            foreach (var sub in subs)
            {
                if (sub.Items.Count == 0 || sub.Items[0].Terms.Currency != Currency)
                {
                    excluded.Add(sub.Id);
                    continue;
                }
                var main = sub.Items.FirstOrDefault(i => products.GetValueOrDefault(i.ProductId)?.Kind != ProductKind.AddOn) ?? sub.Items[0];
                var product = products.GetValueOrDefault(main.ProductId);
                snapshot.Segments[sub.Id.ToString()] = new SubscriptionSegment(product?.Kind, main.ProductId.ToString(),
                    product?.Name ?? "Removed product", Intervals.Label(main.Terms.Interval, main.Terms.IntervalCount), Imported: false);
            }
        }
        if (excluded.Count > 0)
            logger.LogWarning("{Count} subscription(s) are not in {Currency} and are left out of the metrics.", excluded.Count, Currency);

        var changes = new List<SubscriptionMrrChange>(rows.Count);
        foreach (var r in rows.OrderBy(r => r.Id))
        {
            if (excluded.Contains(r.SubscriptionId))
                continue;
            var key = r.SubscriptionId.ToString();
            TrackTrial(snapshot, key, r.Kind, r.FromStatus, r.ToStatus, r.At);
            var recovery = r.Kind == SubscriptionChangeKind.StatusChanged && r.FromStatus is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid
                && r.ToStatus == SubscriptionStatus.Active;
            if (r.MrrBeforeMinor == r.MrrAfterMinor && !recovery)
                continue;
            var reason = recovery ? MrrChangeReason.Recovery : r.Kind switch
            {
                SubscriptionChangeKind.Created => MrrChangeReason.Subscribed,
                SubscriptionChangeKind.StatusChanged when r.FromStatus == SubscriptionStatus.Trialing => MrrChangeReason.Subscribed,
                SubscriptionChangeKind.ItemAdded => MrrChangeReason.AddOn,
                SubscriptionChangeKind.PlanChanged => MrrChangeReason.PlanChange,
                SubscriptionChangeKind.QuantityChanged => MrrChangeReason.Quantity,
                _ => MrrChangeReason.Other,
            };
            changes.Add(new SubscriptionMrrChange(r.MemberId, key, r.At, r.Id, r.MrrAfterMinor, reason, r.Detail));
        }
        return changes;
    }

    private static void TrackTrial(AnalyticsSnapshot snapshot, string key, SubscriptionChangeKind kind, SubscriptionStatus? from, SubscriptionStatus to, DateTimeOffset at)
    {
        if (kind == SubscriptionChangeKind.Created && to == SubscriptionStatus.Trialing)
            snapshot.Trials[key] = new TrialRecord(at, null, null);
        else if (from == SubscriptionStatus.Trialing && to != SubscriptionStatus.Trialing && snapshot.Trials.TryGetValue(key, out var trial) && trial.EndedAt is null)
            snapshot.Trials[key] = to == SubscriptionStatus.Active ? trial with { ConvertedAt = at, EndedAt = at } : trial with { EndedAt = at };
    }

    /// <summary>
    /// Imported history goes through the same replay as at import time, then into the same engine. The replay's result is
    /// kept in <see cref="ImportedHistoryCache"/> (keyed by the imports, currency and products), so a cold start after the
    /// first one reads it instead of every imported row.
    /// </summary>
    private async Task<IReadOnlyList<SubscriptionMrrChange>> ImportedChangesAsync(
        AppDbContext db, AnalyticsSnapshot snapshot, Dictionary<Guid, ProductInfo> products, long upTo, CancellationToken ct)
    {
        if (upTo == 0)
            return [];
        var imports = await db.HistoryImports.AsNoTracking().Select(i => new { i.Id, i.Sha256 }).ToListAsync(ct);
        var key = ImportedHistoryCache.Key(Currency, imports.Select(i => (i.Id, i.Sha256)), products.Values.Select(p => (p.Id, p.Slug, p.Name, p.Kind)))
            + ":" + upTo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = ImportedHistoryCache.PathFor(db.Database.GetConnectionString(), db.Database.IsSqlite());
        var part = path is null ? null : await TakePrefetchedAsync(path, key) ?? ImportedHistoryCache.TryLoad(path, key);
        if (part is null)
        {
            part = await ReplayImportedAsync(db, products, upTo, ct);
            if (path is not null)
            {
                try
                { ImportedHistoryCache.Save(path, key, part); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(ex, "The metrics cache {Path} could not be written; the next cold start replays the imports again.", path);
                }
            }
        }
        snapshot.Segments.EnsureCapacity(snapshot.Segments.Count + part.Segments.Count);
        foreach (var (id, segment) in part.Segments)
            snapshot.Segments[id] = segment;
        foreach (var (id, trial) in part.Trials)
            snapshot.Trials[id] = trial;
        return part.Changes;
    }

    private async Task<ImportedHistoryPart> ReplayImportedAsync(AppDbContext db, Dictionary<Guid, ProductInfo> products, long upTo, CancellationToken ct)
    {
        var members = await db.ImportedCustomers.AsNoTracking().ToDictionaryAsync(c => c.CustomerId, c => (c.MemberId, c.Email), ct);
        // Every column but the key, without change tracking: this is the bulk of a cold start on a large import.
        var rows = await db.ImportedEvents.AsNoTracking().Where(e => e.Id <= upTo)
            .Select(e => new ImportedEvent
            {
                Key = "",
                ImportId = e.ImportId,
                Line = e.Line,
                OccurredAt = e.OccurredAt,
                CustomerId = e.CustomerId,
                SubscriptionId = e.SubscriptionId,
                Event = e.Event,
                ProductCode = e.ProductCode,
                PlanCode = e.PlanCode,
                UnitAmountMinor = e.UnitAmountMinor,
                Currency = e.Currency,
                Interval = e.Interval,
                IntervalCount = e.IntervalCount,
                Quantity = e.Quantity,
                DiscountPercent = e.DiscountPercent,
            })
            .ToListAsync(ct);
        var events = rows.Select(e => ToHistoryEvent(e, members.GetValueOrDefault(e.CustomerId).Email ?? "")).ToList();
        var bySlug = products.Values.GroupBy(p => p.Slug, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var result = HistoryReplay.Replay(events, ReplayOptions(bySlug.ToDictionary(p => p.Key, p => p.Value.Kind, StringComparer.OrdinalIgnoreCase),
            id => members.TryGetValue(id, out var m) ? m.MemberId : ImportPrefix + id));
        if (!result.Succeeded)
            logger.LogWarning("Imported history does not replay cleanly: {Problems}", string.Join("; ", result.Problems.Take(5)));

        var segments = new Dictionary<string, SubscriptionSegment>(StringComparer.Ordinal);
        var trials = new Dictionary<string, TrialRecord>(StringComparer.Ordinal);
        foreach (var sub in result.Subscriptions)
        {
            var code = sub.Item.ProductCode;
            var product = bySlug.GetValueOrDefault(code);
            segments[sub.SubscriptionId] = new SubscriptionSegment(product?.Kind, product?.Id.ToString() ?? "code:" + code,
                product?.Name ?? code, Intervals.Label(sub.Item.Interval, sub.Item.IntervalCount), Imported: true);
            if (sub.TrialStartedAt is { } started)
                trials[sub.SubscriptionId] = new TrialRecord(started, sub.ConvertedAt,
                    sub.ConvertedAt ?? (sub.Status == SubscriptionStatus.Trialing ? null : sub.LastEventAt));
        }
        return new ImportedHistoryPart(result.Changes, segments, trials);
    }

    internal static HistoryReplayOptions ReplayOptions(IReadOnlyDictionary<string, ProductKind> kindsBySlug, Func<string, string> customerKey) => new()
    {
        IsAddOn = item => kindsBySlug.TryGetValue(item.ProductCode, out var kind) && kind == ProductKind.AddOn,
        CustomerKey = customerKey,
        SubscriptionPrefix = ImportPrefix,
    };

    /// <summary>Rows of earlier imports keep their file order: import id, then line.</summary>
    internal static long Sequence(long importId, int line) => (importId << 32) | (uint)line;

    internal static HistoryEvent ToHistoryEvent(ImportedEvent e, string email)
    {
        HistoryEventTypes.TryParse(e.Event, out var type);
        var item = e.ProductCode is null ? null : new HistoryItem(e.ProductCode, e.PlanCode ?? "", e.UnitAmountMinor ?? 0, e.Currency ?? "",
            e.Interval switch { "day" => BillingInterval.Day, "week" => BillingInterval.Week, "year" => BillingInterval.Year, _ => BillingInterval.Month },
            e.IntervalCount ?? 1, e.Quantity ?? 1, e.DiscountPercent ?? 0);
        return new HistoryEvent(e.Line, Sequence(e.ImportId, e.Line), e.OccurredAt, e.CustomerId, email, e.SubscriptionId, type, item);
    }
}
