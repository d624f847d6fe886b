using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Settings;

/// <summary>Reads and writes Owner settings rows. Each call uses its own short-lived context.</summary>
public sealed class SettingsStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
    }

    public async Task SetAsync(string key, string value, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null) db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = clock.GetUtcNow() });
        else { row.Value = value; row.UpdatedAt = clock.GetUtcNow(); }
        await db.SaveChangesAsync(ct);
    }
}

public static class SettingKeys
{
    public const string Theme = "portal.theme";
}
