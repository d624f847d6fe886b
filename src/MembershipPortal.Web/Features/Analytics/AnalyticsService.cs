using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

public sealed record DashboardRequest(YearMonth From, YearMonth To, AnalyticsFilter Filter);

public sealed record DashboardData(
    DashboardRequest Request,
    string Currency,
    DateOnly AsOf,
    IReadOnlyList<MonthlyMetrics> Months,
    IReadOnlyList<CashMonth> Cash,
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<ForecastPoint> Forecast,
    decimal? TrialConversionRate,
    IReadOnlyList<FilterOption> Products,
    IReadOnlyList<FilterOption> IntervalOptions,
    int Customers,
    decimal GrossMarginPercent,
    IReadOnlyList<CancelReasonRow> CancelReasons,
    bool GrossMarginFromCosts = false);

/// <summary>
/// The Owner's numbers: monthly metrics, cash, cohorts and forecast for a range and a segment, and the customers and
/// changes behind each number. Everything comes from <see cref="AnalyticsStore"/>'s engine; this class only asks it.
/// </summary>
public sealed class AnalyticsService(
    AnalyticsStore store, AnalyticsSettings settings, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public string Currency => store.Currency;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public YearMonth CurrentMonth => YearMonth.Of(Today);

    public async Task<IReadOnlyList<MonthlyMetrics>> MonthlyAsync(YearMonth from, YearMonth to, AnalyticsFilter? filter = null, CancellationToken ct = default)
    {
        var metricsSettings = await settings.MetricsSettingsAsync(Today, Currency, ct);
        return await store.ReadAsync(s => MetricsReport.Build(s.For(filter ?? AnalyticsFilter.All), from, to, metricsSettings), ct);
    }

    public async Task<DashboardData> DashboardAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var today = Today;
        var metricsSettings = await settings.MetricsSettingsAsync(today, Currency, ct);
        var book = await ScheduledAsync(ct);
        var current = YearMonth.Of(today);
        var settingsKey = SettingsKey(metricsSettings);
        var (months, cohorts, forecast, rate, products, intervals, customers) = await store.ReadAsync(s =>
        {
            var engine = s.For(request.Filter);
            var key = (request.Filter, request.From, request.To, today, settingsKey);
            if (s.Dashboards.GetValueOrDefault(key) is not EngineParts parts)
            {
                var rows = MetricsReport.Build(engine, request.From, request.To, metricsSettings);
                // A month's row is the same whatever range it is built in, so the forecast's six trailing months come from
                // the rows when the range covers them (the default dashboard does): one pass over the customers, not two.
                var (trailingFrom, trailingTo) = (current.AddMonths(-6), current.AddMonths(-1));
                var trailingRows = request.From <= trailingFrom && request.To >= trailingTo
                    ? rows.Where(r => r.Month >= trailingFrom && r.Month <= trailingTo).ToList()
                    : MetricsReport.Build(engine, trailingFrom, trailingTo, metricsSettings);
                if (s.Dashboards.Count >= 64)
                    s.Dashboards.Clear(); // an Owner browsing many ranges: keep the memo small
                s.Dashboards[key] = parts = new EngineParts(rows, CohortTable.Build(engine, request.From, request.To, today), trailingRows,
                    engine.Customers.Count(c => c.Movements.Count > 0));
            }
            var (rowsOut, cohortRows, trailing) = (parts.Rows, parts.Cohorts, parts.Trailing);
            var conversion = ConversionRate(s, request.Filter, today);
            var scheduled = book
                .Where(b => request.Filter.Matches(s.Segments.GetValueOrDefault(b.SubscriptionId)))
                .Select(b => b.ToScheduled(s.Engine.Customer(b.MemberId)?.SubscriptionMrr.GetValueOrDefault(b.SubscriptionId) ?? 0, conversion ?? 0))
                .Where(c => c.Day > today && c.Delta != 0)
                .ToList();
            var projection = MrrForecast.Project(engine.MrrAtEndOf(today), current.AddMonths(1), trailing, scheduled);
            var (productOptions, intervalOptions) = s.Options(request.Filter.Kind);
            return (rowsOut, cohortRows, projection, conversion, productOptions, intervalOptions, parts.Customers);
        }, ct);
        var cash = await CashAsync(request, ct);
        var reasons = await CancelReasonsAsync(request, ct);
        return new DashboardData(request, Currency, today, months, cash, cohorts, forecast, rate, products, intervals, customers,
            metricsSettings.GrossMargin * 100, reasons, await settings.MarginFromCostsAsync(ct));
    }

    private sealed record EngineParts(IReadOnlyList<MonthlyMetrics> Rows, IReadOnlyList<CohortRow> Cohorts, IReadOnlyList<MonthlyMetrics> Trailing, int Customers);

    /// <summary>What of the Owner's settings enters the rows: gross margin, acquisition spend, the as-of day.</summary>
    private static string SettingsKey(MetricsSettings s) =>
        string.Join(";", s.GrossMargin.ToString(System.Globalization.CultureInfo.InvariantCulture), s.AsOf?.ToString("O") ?? "",
            string.Join(",", s.AcquisitionSpend.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));

    /// <summary>The dashboard /admin opens with: the twelve months to the current one, every segment.</summary>
    public DashboardRequest DefaultDashboard => new(DefaultFrom(CurrentMonth), CurrentMonth, AnalyticsFilter.All);

    /// <summary>The first month the dashboard shows when only the last is chosen: twelve months in all.</summary>
    public static YearMonth DefaultFrom(YearMonth to) => to.AddMonths(-11);

    /// <summary>Trials that ended in the last six months: the share that converted; null when none ended.</summary>
    private static decimal? ConversionRate(AnalyticsSnapshot s, AnalyticsFilter filter, DateOnly today)
    {
        var since = new DateTimeOffset(today.AddMonths(-6).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var ended = s.Trials.Where(t => t.Value.EndedAt >= since && filter.Matches(s.Segments.GetValueOrDefault(t.Key))).Select(t => t.Value).ToList();
        return MetricsReport.Divide(ended.Count(t => t.ConvertedAt is not null), ended.Count);
    }

    private sealed record BookEntry(string SubscriptionId, string MemberId, DateOnly Day, string Kind, decimal KnownDelta)
    {
        public ScheduledMrrChange ToScheduled(decimal currentMrr, decimal conversionRate) => Kind switch
        {
            "cancel" => new ScheduledMrrChange(Day, -currentMrr, Kind),
            "trial" => new ScheduledMrrChange(Day, MrrMath.Round(KnownDelta * conversionRate), Kind),
            _ => new ScheduledMrrChange(Day, KnownDelta, Kind),
        };
    }

    /// <summary>The current book's known future: cancellations at period end, trials ending, downgrades waiting for the period end.</summary>
    private async Task<List<BookEntry>> ScheduledAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = new List<BookEntry>();
        var cancels = await db.Subscriptions.AsNoTracking()
            .Where(s => s.CancelAtPeriodEnd && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue))
            .Select(s => new { s.Id, s.MemberId, s.CurrentPeriodEnd }).ToListAsync(ct);
        book.AddRange(cancels.Select(c => new BookEntry(c.Id.ToString(), c.MemberId, Day(c.CurrentPeriodEnd), "cancel", 0)));

        var trials = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => s.Status == SubscriptionStatus.Trialing).ToListAsync(ct);
        book.AddRange(trials.Where(t => t.Currency == Currency)
            .Select(t => new BookEntry(t.Id.ToString(), t.MemberId, Day(t.TrialEnd ?? t.CurrentPeriodEnd), "trial", t.ContractedMonthlyRecurringMinor())));

        var pending = await db.Subscriptions.AsNoTracking().Where(s => s.ScheduledPriceId != null && s.ScheduledItemId != null)
            .Select(s => s.Id).ToListAsync(ct);
        foreach (var chunk in pending.Chunk(500))
        {
            var ids = chunk.ToList();
            var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
            var priceIds = subs.Values.Select(s => s.ScheduledPriceId!.Value).ToList();
            var prices = await db.Prices.AsNoTracking().Where(p => priceIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            foreach (var id in chunk)
            {
                if (!subs.TryGetValue(id, out var sub) || !MrrMath.CountsTowardMrr(sub.Status) || sub.CancelAtPeriodEnd)
                    continue;
                var item = sub.Items.FirstOrDefault(i => i.Id == sub.ScheduledItemId);
                if (item is null || sub.ScheduledPriceId is not { } priceId || !prices.TryGetValue(priceId, out var price))
                    continue;
                var delta = MrrMath.ItemMrr(price.Terms, item.Quantity) - MrrMath.ItemMrr(item.Terms, item.Quantity);
                book.Add(new BookEntry(sub.Id.ToString(), sub.MemberId, Day(sub.CurrentPeriodEnd), "downgrade", delta));
            }
        }
        return book;
    }

    private async Task<IReadOnlyList<CashMonth>> CashAsync(DashboardRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var paid = await db.Invoices.AsNoTracking().PaidIn(request.From, request.To, Currency)
            .Select(i => new { i.PaidAt, i.TotalMinor, i.SubscriptionId }).ToListAsync(ct);
        if (!request.Filter.IsAll)
        {
            var segments = await store.ReadAsync(s => s.Segments.ToDictionary(), ct);
            paid = paid.Where(i => i.SubscriptionId is { } id && request.Filter.Matches(segments.GetValueOrDefault(id.ToString()))).ToList();
        }
        var byMonth = paid.GroupBy(i => YearMonth.Of(i.PaidAt!.Value)).ToDictionary(g => g.Key, g => (Total: g.Sum(i => i.TotalMinor), Count: g.Count()));
        return YearMonth.Range(request.From, request.To)
            .Select(m => byMonth.TryGetValue(m, out var v) ? new CashMonth(m, v.Total, v.Count) : new CashMonth(m, 0, 0)).ToList();
    }

    /// <summary>The movements of a month (of the given types), biggest first, with who they belong to.</summary>
    public async Task<IReadOnlyList<MovementRow>> MovementsAsync(AnalyticsFilter filter, YearMonth month, IReadOnlyCollection<MovementType> types, CancellationToken ct = default)
    {
        var today = Today;
        var movements = await store.ReadAsync(s => s.For(filter).Customers
            .SelectMany(c => c.Movements.Where(m => m.Month == month && m.Day <= today && types.Contains(m.Type)))
            .OrderBy(m => m.Type).ThenByDescending(m => m.Amount).ThenBy(m => m.Day).ToList(), ct);
        var names = await NamesAsync(movements.Select(m => m.CustomerId), ct);
        return movements.Select(m =>
        {
            var (name, email) = names.GetValueOrDefault(m.CustomerId, (m.CustomerId, ""));
            var changes = string.Join("; ", m.Changes.Select(c => $"{c.Change.Detail ?? Words.Of(c.Change.Reason)} ({AnalyticsFormat.SignedMoney(c.Delta, Currency)})"));
            return new MovementRow(m.CustomerId, name, email, m.Day, m.Type, m.Amount, m.MrrBefore, m.MrrAfter, m.ExpansionByCause, changes);
        }).ToList();
    }

    /// <summary>
    /// Customers with their MRR at the end of <paramref name="baseMonth"/> and of <paramref name="month"/>: those paying at
    /// the end of either, or with <paramref name="payingAtBase"/> only those paying at the end of the base month (NRR's group).
    /// </summary>
    public async Task<IReadOnlyList<CustomerMrrRow>> CustomersAsync(AnalyticsFilter filter, YearMonth month, YearMonth baseMonth, bool payingAtBase, CancellationToken ct = default)
    {
        var today = Today;
        DateOnly End(YearMonth m) => m.LastDay < today ? m.LastDay : today;
        var rows = await store.ReadAsync(s => s.For(filter).Customers
            .Select(c => (c.CustomerId, Base: c.MrrAtEndOf(End(baseMonth)), End: c.MrrAtEndOf(End(month))))
            .Where(x => payingAtBase ? x.Base > 0 : x.Base > 0 || x.End > 0)
            .OrderByDescending(x => x.End).ThenByDescending(x => x.Base).ToList(), ct);
        var names = await NamesAsync(rows.Select(r => r.CustomerId), ct);
        return rows.Select(r =>
        {
            var (name, email) = names.GetValueOrDefault(r.CustomerId, (r.CustomerId, ""));
            return new CustomerMrrRow(r.CustomerId, name, email, r.Base, r.End);
        }).ToList();
    }

    /// <summary>The paid invoices behind a month's average order value.</summary>
    public async Task<IReadOnlyList<InvoiceRow>> InvoicesAsync(AnalyticsFilter filter, YearMonth month, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invoices = await db.Invoices.AsNoTracking().PaidIn(month, month, Currency)
            .Select(i => new { i.MemberId, i.Number, i.PaidAt, i.TotalMinor, i.SubscriptionId }).ToListAsync(ct);
        if (!filter.IsAll)
        {
            var segments = await store.ReadAsync(s => s.Segments.ToDictionary(), ct);
            invoices = invoices.Where(i => i.SubscriptionId is { } id && filter.Matches(segments.GetValueOrDefault(id.ToString()))).ToList();
        }
        var names = await NamesAsync(invoices.Select(i => i.MemberId), ct);
        return invoices.OrderBy(i => i.PaidAt).Select(i =>
        {
            var (name, email) = names.GetValueOrDefault(i.MemberId, (i.MemberId, ""));
            return new InvoiceRow(i.MemberId, name, email, i.Number, i.PaidAt!.Value, i.TotalMinor);
        }).ToList();
    }

    /// <summary>Subscriptions paid again after failed payments in a month: MRR recovered from dunning.</summary>
    public async Task<IReadOnlyList<RecoveryRow>> RecoveriesAsync(AnalyticsFilter filter, YearMonth month, CancellationToken ct = default)
    {
        var changes = await store.ReadAsync(s => s.For(filter).Customers
            .SelectMany(c => c.Changes.Where(x => x.Reason == MrrChangeReason.Recovery && YearMonth.Of(x.Day) == month)).OrderBy(x => x.At).ToList(), ct);
        var names = await NamesAsync(changes.Select(c => c.CustomerId), ct);
        return changes.Select(c =>
        {
            var (name, email) = names.GetValueOrDefault(c.CustomerId, (c.CustomerId, ""));
            return new RecoveryRow(c.CustomerId, name, email, c.At, c.SubscriptionId, c.MrrAfter, c.Detail ?? "");
        }).ToList();
    }

    /// <summary>
    /// The exit survey's reasons for the portal's own subscriptions that ended in the range, and for those set to end at
    /// their period end; imported history carries no reasons.
    /// </summary>
    public async Task<IReadOnlyList<CancelReasonRow>> CancelReasonsAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var from = PaidInvoices.Start(request.From);
        var to = PaidInvoices.Start(request.To.AddMonths(1));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Subscriptions.AsNoTracking()
            .Where(s => (s.CanceledAt != null && s.CanceledAt >= from && s.CanceledAt < to) || s.CancelAtPeriodEnd)
            .Select(s => new { s.Id, s.CancelReason, Scheduled = s.CancelAtPeriodEnd }).ToListAsync(ct);
        if (!request.Filter.IsAll)
        {
            var segments = await store.ReadAsync(s => s.Segments.ToDictionary(), ct);
            rows = rows.Where(r => request.Filter.Matches(segments.GetValueOrDefault(r.Id.ToString()))).ToList();
        }
        return rows.GroupBy(r => string.IsNullOrWhiteSpace(r.CancelReason) ? "No reason given" : r.CancelReason!)
            .Select(g => new CancelReasonRow(g.Key, g.Count(r => !r.Scheduled), g.Count(r => r.Scheduled)))
            .OrderByDescending(r => r.Total).ThenBy(r => r.Reason).ToList();
    }

    public Task SetAcquisitionSpendAsync(YearMonth month, long minor, CancellationToken ct = default) => settings.SetAcquisitionSpendAsync(month, minor, ct);

    public Task SetGrossMarginPercentAsync(decimal percent, CancellationToken ct = default) => settings.SetGrossMarginPercentAsync(percent, ct);

    public Task<bool> MarginFromCostsAsync(CancellationToken ct = default) => settings.MarginFromCostsAsync(ct);

    public Task SetMarginFromCostsAsync(bool fromCosts, CancellationToken ct = default) => settings.SetMarginFromCostsAsync(fromCosts, ct);

    /// <summary>The gross margin measured from recorded costs over the last whole months, in the reporting currency.</summary>
    public Task<MeasuredMargin> MeasureMarginAsync(CancellationToken ct = default) => settings.MeasureMarginAsync(Today, Currency, ct);

    public Task<IReadOnlyDictionary<YearMonth, long>> AcquisitionSpendAsync(CancellationToken ct = default) => settings.AcquisitionSpendAsync(ct);

    private async Task<Dictionary<string, (string Name, string Email)>> NamesAsync(IEnumerable<string> memberIds, CancellationToken ct)
    {
        var names = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var chunk in memberIds.Distinct().Chunk(500))
            foreach (var u in await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id)).Select(u => new { u.Id, u.FirstName, u.LastName, u.Email }).ToListAsync(ct))
                names[u.Id] = (string.IsNullOrWhiteSpace(u.FirstName) ? u.Email ?? u.Id : $"{u.FirstName} {u.LastName}".Trim(), u.Email ?? "");
        return names;
    }

    private static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);
}
