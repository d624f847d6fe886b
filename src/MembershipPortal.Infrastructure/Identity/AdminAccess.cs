using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Identity;

/// <summary>Raised when an Owner or Staff action is refused at the moment it runs; nothing of the action is saved.</summary>
public sealed class ActionRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// Who may do what in /admin, decided against the database when the action runs (never from the claims a page or a
/// circuit captured when it opened): the acting user still exists, is not locked, still holds the role the action
/// needs, and Staff act only on plain members. The README's "Team and permissions" table is this class in words.
/// </summary>
public static class AdminAccess
{
    /// <summary>Audit action names (or their prefixes, ending with '.') only the Owner may perform.</summary>
    public static readonly IReadOnlyList<string> OwnerOnlyActions =
    [
        "member.refund", "member.delete", "team.", "settings.", "email.template.", "import.",
    ];

    /// <summary>What anyone, Owner and Staff included, does to their own account (deleting it) is not an admin action.</summary>
    public const string SelfDelete = "account.self-delete";

    public static bool IsOwnerOnly(string action) =>
        OwnerOnlyActions.Any(a => a.EndsWith('.') ? action.StartsWith(a, StringComparison.Ordinal) : action == a);

    /// <summary>
    /// A lock set by the Owner or Staff (or an erasure) has no end. A lockout after failed passwords is temporary and
    /// only stops new password sign-ins: it never ends the real holder's open session, or it would be a weapon.
    /// </summary>
    public static bool IsLocked(ApplicationUser user) =>
        user.LockoutEnd is { } end && end >= DateTimeOffset.MaxValue.AddYears(-1);

    /// <summary>The roles the user holds now, read from the database.</summary>
    public static Task<List<string>> RolesAsync(AppDbContext db, string userId, CancellationToken ct = default) =>
        (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);

    /// <summary>The portal itself acting (jobs, the command line): allowed every action.</summary>
    public static bool IsSystem(AuditActor actor) => ReferenceEquals(actor, AuditActor.System) || actor is { Id: null, Role: "System" };

    /// <summary>
    /// Checks an Owner/Staff action by <paramref name="actor"/>; returns the actor as the database knows them now (their
    /// current role), or throws <see cref="ActionRefusedException"/>. The system (jobs, command line) is always allowed.
    /// </summary>
    /// <param name="action">The audit action name, which decides whether the action is Owner-only.</param>
    /// <param name="targetMemberId">The account acted on, if any: Staff never act on an Owner or Staff account.</param>
    public static async Task<AuditActor> CheckAsync(AppDbContext db, AuditActor actor, string action, string? targetMemberId, CancellationToken ct = default)
    {
        if (IsSystem(actor))
            return actor;
        if (actor.Id is null)
            throw new ActionRefusedException("Sign in to do this.");
        if (action == SelfDelete && targetMemberId == actor.Id)
            return actor;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == actor.Id, ct)
            ?? throw new ActionRefusedException("Your account no longer exists.");
        if (IsLocked(user))
            throw new ActionRefusedException("Your account is locked.");
        var roles = await RolesAsync(db, actor.Id, ct);
        var role = roles.Contains(PortalRoles.Owner) ? PortalRoles.Owner : roles.Contains(PortalRoles.Staff) ? PortalRoles.Staff : null;
        if (role is null)
            throw new ActionRefusedException("Your account no longer has access to the admin area.");
        if (role != PortalRoles.Owner && IsOwnerOnly(action))
            throw new ActionRefusedException("Only the Owner can do this.");
        if (role == PortalRoles.Staff && targetMemberId is not null && await db.UserRoles.AnyAsync(r => r.UserId == targetMemberId, ct))
            throw new ActionRefusedException("Staff act on members only, never on the Owner or other Staff.");
        return actor with { Name = user.Email ?? actor.Name, Role = role };
    }
}
