using System.Collections.Concurrent;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Settings;

/// <summary>
/// Reads and writes Owner settings rows. Reads are cached for a few seconds because gated pages read the billing
/// policy on every request; a write on this instance is seen at once, a write on another instance within the TTL.
/// </summary>
public sealed class SettingsStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset ReadAt)> cache = new();

    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && now - hit.ReadAt < CacheFor && now >= hit.ReadAt) return hit.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        cache[key] = (value, now);
        return value;
    }

    public async Task SetAsync(string key, string value, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null) db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = clock.GetUtcNow() });
        else { row.Value = value; row.UpdatedAt = clock.GetUtcNow(); }
        await db.SaveChangesAsync(ct);
        cache[key] = (value, clock.GetUtcNow());
    }
}

public static class SettingKeys
{
    public const string Theme = "portal.theme";
}
