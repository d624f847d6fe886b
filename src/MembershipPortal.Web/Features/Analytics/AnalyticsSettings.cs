using System.Globalization;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>
/// The Owner's inputs to the rates: gross margin (LTV) and monthly acquisition spend (CAC), kept as settings rows
/// ("analytics.gross-margin" in percent, "analytics.spend.YYYY-MM" in minor units). LTV uses the typed-in gross margin
/// unless the Owner chose the margin measured from recorded costs ("analytics.gross-margin-source" = "costs",
/// <see cref="CostMargin"/>); while that has no revenue to measure, the typed-in number stays in use.
/// </summary>
public sealed class AnalyticsSettings(SettingsStore settings, IDbContextFactory<AppDbContext> dbFactory)
{
    public const string GrossMarginKey = "analytics.gross-margin";
    public const string SpendPrefix = "analytics.spend.";
    public const string GrossMarginSourceKey = "analytics.gross-margin-source";

    /// <summary>Gross margin in percent; 100 when never set.</summary>
    public async Task<decimal> GrossMarginPercentAsync(CancellationToken ct = default) =>
        decimal.TryParse(await settings.GetAsync(GrossMarginKey, ct), NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) ? percent : 100m;

    public async Task SetGrossMarginPercentAsync(decimal percent, CancellationToken ct = default)
    {
        if (percent is <= 0 or > 100)
            throw new DomainException("Gross margin must be more than 0% and at most 100%.");
        await settings.SetAsync(GrossMarginKey, percent.ToString(CultureInfo.InvariantCulture), ct);
    }

    /// <summary>True when LTV uses the margin measured from recorded costs; false (the default) for the typed-in number.</summary>
    public async Task<bool> MarginFromCostsAsync(CancellationToken ct = default) =>
        await settings.GetAsync(GrossMarginSourceKey, ct) == "costs";

    public Task SetMarginFromCostsAsync(bool fromCosts, CancellationToken ct = default) =>
        settings.SetAsync(GrossMarginSourceKey, fromCosts ? "costs" : "typed", ct);

    /// <summary>
    /// The gross margin over <see cref="CostMargin.Window"/> in <paramref name="currency"/>: what members paid (less refunds
    /// and tax) against the Owner's unit costs times what was packed in those months' parcels; null without revenue.
    /// </summary>
    public async Task<MeasuredMargin> MeasureMarginAsync(DateOnly today, string currency, CancellationToken ct = default)
    {
        var (from, to) = CostMargin.Window(today);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var revenue = await db.Invoices.AsNoTracking().PaidIn(from, to, currency)
            .Select(i => i.AmountPaidMinor - i.AmountRefundedMinor - i.TaxMinor).ToListAsync(ct);
        var cycles = YearMonth.Range(from, to).Select(m => m.ToString()).ToList();
        var packed = await db.Shipments.AsNoTracking().Where(s => cycles.Contains(s.Cycle) && (s.Currency ?? currency) == currency)
            .SelectMany(s => s.Lines, (s, l) => new { s.Cycle, l.ProductId, l.Quantity }).ToListAsync(ct);
        var costs = await db.BoxCycleCosts.AsNoTracking().Where(c => cycles.Contains(c.Cycle) && c.Currency == currency)
            .ToDictionaryAsync(c => (c.ProductId, c.Cycle), ct);
        long goods = 0, shipping = 0;
        foreach (var line in packed)
            if (costs.TryGetValue((line.ProductId, line.Cycle), out var cost))
                (goods, shipping) = (goods + line.Quantity * cost.CostOfGoodsMinor, shipping + line.Quantity * cost.ShippingCostMinor);
        var paid = revenue.Sum();
        return new MeasuredMargin(from, to, paid, goods + shipping, CostMargin.Compute(paid, goods, shipping));
    }

    public async Task<IReadOnlyDictionary<YearMonth, long>> AcquisitionSpendAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(SpendPrefix)).Select(s => new { s.Key, s.Value }).ToListAsync(ct);
        var spend = new Dictionary<YearMonth, long>();
        foreach (var row in rows)
            if (YearMonth.TryParse(row.Key[SpendPrefix.Length..], out var month) && long.TryParse(row.Value, CultureInfo.InvariantCulture, out var minor))
                spend[month] = minor;
        return spend;
    }

    public async Task SetAcquisitionSpendAsync(YearMonth month, long minor, CancellationToken ct = default)
    {
        if (minor < 0)
            throw new DomainException("Acquisition spend cannot be negative.");
        await settings.SetAsync(SpendPrefix + month, minor.ToString(CultureInfo.InvariantCulture), ct);
    }

    /// <summary>The margin LTV uses: measured from costs when the Owner chose it and there was revenue, else the typed-in one.</summary>
    public async Task<decimal> GrossMarginAsync(DateOnly today, string currency, CancellationToken ct = default) =>
        (await MarginFromCostsAsync(ct) ? (await MeasureMarginAsync(today, currency, ct)).Margin : null) ?? await GrossMarginPercentAsync(ct) / 100m;

    public async Task<MetricsSettings> MetricsSettingsAsync(DateOnly asOf, string currency, CancellationToken ct = default) => new()
    {
        GrossMargin = await GrossMarginAsync(asOf, currency, ct),
        AcquisitionSpend = await AcquisitionSpendAsync(ct),
        AsOf = asOf,
    };
}

/// <summary>The gross margin measured over whole months: revenue and costs in minor units, and the margin (null without revenue).</summary>
public sealed record MeasuredMargin(YearMonth From, YearMonth To, long RevenueMinor, long CostsMinor, decimal? Margin);
