using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// The business's time zone (set at /admin/settings), for every feature that dates things in the business's calendar:
/// box and kit cycles, checkout's first box. UTC when unset or unknown on this machine.
/// </summary>
public sealed class BusinessTimeZone(SettingsStore settings)
{
    public async Task<TimeZoneInfo> GetAsync(CancellationToken ct = default) =>
        FindZone(await settings.GetAsync(SettingKeys.TimeZone, ct)) ?? TimeZoneInfo.Utc;

    public static TimeZoneInfo? FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
