using System.Security.Claims;
using MembershipPortal.Infrastructure.Identity;

namespace MembershipPortal.Infrastructure.Audit;

/// <summary>
/// One Owner/Staff action or settings change: who, when, what, before → after. Rows are append-only: the context
/// refuses to update or delete them (<see cref="Data.AppDbContext"/>), and no page offers to.
/// Entries name members by their user id (<see cref="TargetId"/>), never by email or name, so erasing a member's
/// personal data does not have to rewrite the audit trail.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>User id of the actor; null for the system (jobs, webhooks, command line).</summary>
    public string? ActorId { get; set; }
    /// <summary>The actor's email at the time (staff are not members; their address is part of the record).</summary>
    public required string ActorName { get; set; }
    /// <summary>Owner, Staff or System.</summary>
    public required string ActorRole { get; set; }
    /// <summary>Dotted action name, for example <c>member.comp</c> or <c>settings.change</c>.</summary>
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    /// <summary>One readable line: what changed.</summary>
    public required string Summary { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>Who is acting, taken from the signed-in principal.</summary>
public sealed record AuditActor(string? Id, string Name, string Role)
{
    public static readonly AuditActor System = new(null, "system", "System");

    /// <summary>Nobody signed in, inside a request or circuit: never the system, so it is refused every admin action.</summary>
    public static readonly AuditActor Anonymous = new(null, "anonymous", "Anonymous");

    public static AuditActor From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
            return System;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var name = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name ?? id ?? "unknown";
        var role = user.IsInRole(PortalRoles.Owner) ? PortalRoles.Owner : user.IsInRole(PortalRoles.Staff) ? PortalRoles.Staff : "Member";
        return new AuditActor(id, name, role);
    }
}

/// <summary>
/// The acting user for the current request or circuit event, set by the web host (a middleware for requests, a
/// circuit activity handler for interactive events), so settings writes deep in services are attributed without
/// passing the user through every call. Null outside any request: jobs and the command line act as the system.
/// </summary>
public static class AuditAmbient
{
    private static readonly AsyncLocal<AuditActor?> current = new();

    public static AuditActor? Current
    {
        get => current.Value;
        set => current.Value = value;
    }
}
