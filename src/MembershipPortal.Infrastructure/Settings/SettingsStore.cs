using System.Collections.Concurrent;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Settings;

/// <summary>
/// Reads and writes Owner settings rows. Reads are cached for a few seconds because gated pages read the billing
/// policy on every request; a write on this instance is seen at once, a write on another instance within the TTL.
/// </summary>
public sealed class SettingsStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditLog audit, ISettingNames? names = null)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset ReadAt)> cache = new();

    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && now - hit.ReadAt < CacheFor && now >= hit.ReadAt)
            return hit.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        cache[key] = (value, now);
        return value;
    }

    /// <summary>Writes one setting; see <see cref="SetManyAsync"/>.</summary>
    public Task SetAsync(string key, string value, CancellationToken ct = default) =>
        SetManyAsync(new Dictionary<string, string> { [key] = value }, AuditAmbient.Current ?? AuditActor.System, ct);

    /// <summary>Writes several settings at once as the current request's or circuit's user (<see cref="AuditAmbient"/>).</summary>
    public Task SetManyAsync(IReadOnlyDictionary<string, string> values, CancellationToken ct = default) =>
        SetManyAsync(values, AuditAmbient.Current ?? AuditActor.System, ct);

    public Task SetAsync(string key, string value, AuditActor actor, CancellationToken ct = default) =>
        SetManyAsync(new Dictionary<string, string> { [key] = value }, actor, ct);

    /// <summary>
    /// Writes several settings in one SaveChanges, with one audit entry (before → after) per value that changed, so
    /// a form is saved whole or not at all. Keys listed in <see cref="SecretKeys"/> are masked in the audit trail.
    /// </summary>
    public async Task SetManyAsync(IReadOnlyDictionary<string, string> values, AuditActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = values.Keys.ToList();
        var rows = await db.Settings.Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, ct);
        var now = clock.GetUtcNow();
        foreach (var (key, value) in values)
        {
            rows.TryGetValue(key, out var row);
            if (row is not null && row.Value == value)
                continue;
            var before = row?.Value;
            if (row is null)
                db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = now });
            else
            { row.Value = value; row.UpdatedAt = now; }
            var secret = SecretKeys.Contains(key);
            audit.Add(db, actor, "settings.change", $"{names?.Name(key) ?? key} changed", "setting", key,
                secret ? Mask(before) : before, secret ? Mask(value) : value);
        }
        await db.SaveChangesAsync(ct);
        foreach (var (key, value) in values)
            cache[key] = (value, now);
    }

    /// <summary>
    /// Stages one setting on <paramref name="db"/> for a use case to save with its own audit entry; returns the value it
    /// had. Call <see cref="Remember"/> once saved, so this instance reads the new value at once.
    /// </summary>
    public static async Task<string?> StageAsync(AppDbContext db, string key, string value, DateTimeOffset now, CancellationToken ct = default)
    {
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, ct);
        var before = row?.Value;
        if (row is null)
            db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = now });
        else if (row.Value != value)
        { row.Value = value; row.UpdatedAt = now; }
        return before;
    }

    /// <summary>A value saved outside <see cref="SetManyAsync"/> (<see cref="StageAsync"/>): read from the cache from now on.</summary>
    public void Remember(string key, string value) => cache[key] = (value, clock.GetUtcNow());

    /// <summary>Setting keys whose values are secrets: never shown back or audited in full.</summary>
    public static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal);

    /// <summary>Shows only the last four characters of a secret.</summary>
    public static string? Mask(string? secret) =>
        string.IsNullOrEmpty(secret) ? secret : secret.Length <= 4 ? "••••" : "••••" + secret[^4..];
}

/// <summary>
/// Names a setting in words for the audit trail ("Theme" for <c>portal.theme</c>); the web layer, which owns most
/// settings, supplies it. Without one the key itself is written.
/// </summary>
public interface ISettingNames
{
    string Name(string key);
}

public static class SettingKeys
{
    public const string Theme = "portal.theme";
    public const string BusinessName = "portal.business-name";
    public const string SupportEmail = "portal.support-email";
    public const string ReportingCurrency = "portal.reporting-currency";
    /// <summary>IANA time zone id of the business (cut-offs, "today" in reports); default UTC.</summary>
    public const string TimeZone = "portal.time-zone";
    public const string LogoFile = "portal.logo-file";
    /// <summary>The business's postal address as printed on receipts, one line per line.</summary>
    public const string BusinessAddress = "portal.business-address";
    /// <summary>The business's tax or VAT number as printed on receipts.</summary>
    public const string TaxId = "portal.tax-id";
}
