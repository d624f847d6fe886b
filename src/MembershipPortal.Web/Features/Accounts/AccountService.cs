using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>Small per-member preferences read and written by the shell.</summary>
public sealed class AccountService(IDbContextFactory<AppDbContext> dbFactory, IMemoryCache cache)
{
    /// <summary>How long another instance may show the old light/dark choice after a member changes it elsewhere.</summary>
    public static readonly TimeSpan DarkModeCacheTime = TimeSpan.FromMinutes(5);

    // Every page's layout asks; the answer only matters for looks, so it is kept per member for a few minutes (and
    // replaced at once on this instance when the member toggles it).
    public async Task<bool?> GetDarkModeAsync(string userId, CancellationToken ct = default)
    {
        if (cache.TryGetValue(DarkModeKey(userId), out bool? known))
            return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var preference = await db.Users.Where(u => u.Id == userId).Select(u => u.PrefersDarkMode).FirstOrDefaultAsync(ct);
        cache.Set(DarkModeKey(userId), preference, DarkModeCacheTime);
        return preference;
    }

    public async Task SetDarkModeAsync(string userId, bool dark, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PrefersDarkMode, dark), ct);
        cache.Set(DarkModeKey(userId), (bool?)dark, DarkModeCacheTime);
    }

    private static string DarkModeKey(string userId) => "dark-mode:" + userId;

    public async Task<ApplicationUser?> FindAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
    }
}
