using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>The Owner's box options (Owner only to change; each change is audited by the settings store).</summary>
public sealed class BoxSettings(SettingsStore settings)
{
    public const string ShipPastDueKey = "boxes.ship-past-due-in-grace";

    /// <summary>Read by the metrics (<see cref="Analytics.AnalyticsStore"/>) straight from the settings table.</summary>
    public const string SkipCountsAsPauseKey = "boxes.skip-counts-as-pause";

    /// <summary>Whether a skipped box counts in the metrics as a pause for that cycle (0 MRR, then back); default: no.</summary>
    public async Task<bool> SkipCountsAsPauseAsync(CancellationToken ct = default) =>
        bool.TryParse(await settings.GetAsync(SkipCountsAsPauseKey, ct), out var on) && on;

    /// <summary>Saves the metrics option as <paramref name="actor"/>; null when saved, else why not (only the Owner may).</summary>
    public async Task<string?> SetSkipCountsAsPauseAsync(bool on, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change this.";
        await settings.SetAsync(SkipCountsAsPauseKey, on ? "true" : "false", actor, ct);
        return null;
    }

    /// <summary>Whether past-due members inside the grace period still get their box (default: no).</summary>
    public async Task<bool> ShipPastDueInGraceAsync(CancellationToken ct = default) =>
        bool.TryParse(await settings.GetAsync(ShipPastDueKey, ct), out var on) && on;

    /// <summary>Saves the option as <paramref name="actor"/>; null when saved, else why not (only the Owner may).</summary>
    public async Task<string?> SetShipPastDueInGraceAsync(bool on, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can change this.";
        await settings.SetAsync(ShipPastDueKey, on ? "true" : "false", actor, ct);
        return null;
    }
}
