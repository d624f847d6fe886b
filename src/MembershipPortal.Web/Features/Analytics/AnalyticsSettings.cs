using System.Globalization;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>
/// The Owner's inputs to the rates: gross margin (LTV) and monthly acquisition spend (CAC), kept as settings rows
/// ("analytics.gross-margin" in percent, "analytics.spend.YYYY-MM" in minor units).
/// </summary>
public sealed class AnalyticsSettings(SettingsStore settings, IDbContextFactory<AppDbContext> dbFactory)
{
    public const string GrossMarginKey = "analytics.gross-margin";
    public const string SpendPrefix = "analytics.spend.";

    /// <summary>Gross margin in percent; 100 when never set.</summary>
    public async Task<decimal> GrossMarginPercentAsync(CancellationToken ct = default) =>
        decimal.TryParse(await settings.GetAsync(GrossMarginKey, ct), NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) ? percent : 100m;

    public async Task SetGrossMarginPercentAsync(decimal percent, CancellationToken ct = default)
    {
        if (percent is <= 0 or > 100)
            throw new DomainException("Gross margin must be more than 0% and at most 100%.");
        await settings.SetAsync(GrossMarginKey, percent.ToString(CultureInfo.InvariantCulture), ct);
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

    public async Task<MetricsSettings> MetricsSettingsAsync(DateOnly asOf, CancellationToken ct = default) => new()
    {
        GrossMargin = await GrossMarginPercentAsync(ct) / 100m,
        AcquisitionSpend = await AcquisitionSpendAsync(ct),
        AsOf = asOf,
    };
}
