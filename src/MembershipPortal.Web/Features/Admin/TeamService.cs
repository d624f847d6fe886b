using System.Text;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Accounts;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Members;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Admin;

public sealed record TeamMember(string Id, string Email, string? Name, string Role, bool Locked, bool InvitationPending);

/// <summary>
/// The Owner's team at /admin/settings/team: invite Staff by email (the invitation sets their password), change a
/// role between Owner and Staff, remove someone from the team. Owner only, checked here when each action runs;
/// each change is audited, and a changed role ends the person's sessions and circuits within a minute.
/// </summary>
public sealed class TeamService(
    IDbContextFactory<AppDbContext> dbFactory, UserManager<ApplicationUser> users, IdentityEmailSender emails, PortalLinks links,
    CurrentActor actor, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<TeamMember>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          join u in db.Users on ur.UserId equals u.Id
                          where r.Name == PortalRoles.Owner || r.Name == PortalRoles.Staff
                          select new { User = u, Role = r.Name! }).AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(r => r.User.Id).Select(g =>
            {
                var u = g.First().User;
                var role = g.Any(r => r.Role == PortalRoles.Owner) ? PortalRoles.Owner : PortalRoles.Staff;
                return new TeamMember(u.Id, u.Email ?? "", $"{u.FirstName} {u.LastName}".Trim() is { Length: > 0 } n ? n : null, role,
                    AdminAccess.IsLocked(u), u.PasswordHash is null);
            })
            .OrderBy(m => m.Role == PortalRoles.Owner ? 0 : 1).ThenBy(m => m.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Creates a Staff account for <paramref name="email"/> and mails a one-time link to choose a password.</summary>
    public async Task<Outcome> InviteAsync(string? email, CancellationToken ct = default)
    {
        if (await RefusedAsync("team.invite", ct) is { } refused)
            return refused;
        email = (email ?? "").Trim();
        if (email.Length > 256 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            return Outcome.Fail("Enter a valid email address.");
        if (await users.FindByEmailAsync(email) is not null)
            return Outcome.Fail("That address already has an account. Only new addresses can be invited.");

        // Confirmed: only the holder of the mailbox can use the invitation, and there is no password until they do.
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
            return Outcome.Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
        var role = await users.AddToRoleAsync(user, PortalRoles.Staff);
        if (!role.Succeeded)
        {
            await users.DeleteAsync(user);
            return Outcome.Fail(string.Join(" ", role.Errors.Select(e => e.Description)));
        }
        await audit.RecordAsync(await actor.GetAsync(), "team.invite", "Invited a new Staff member", "member", user.Id, null, PortalRoles.Staff, ct);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        var link = QueryHelpers.AddQueryString(links.Absolute("Account/ResetPassword"), "code", code);
        await emails.SendLinkAsync(NoticeKind.TeamInvitation, user, email, link);
        return Outcome.Ok($"Invitation sent to {email}.");
    }

    /// <summary>Makes a team member Owner or Staff. The last Owner cannot stop being Owner.</summary>
    public async Task<Outcome> ChangeRoleAsync(string userId, string role, CancellationToken ct = default)
    {
        if (role is not (PortalRoles.Owner or PortalRoles.Staff))
            return Outcome.Fail("Choose Owner or Staff.");
        if (await RefusedAsync("team.role", ct) is { } refused)
            return refused;
        var user = await users.FindByIdAsync(userId);
        if (user is null)
            return Outcome.Fail("This person no longer has an account.");
        var roles = await users.GetRolesAsync(user);
        var current = roles.Contains(PortalRoles.Owner) ? PortalRoles.Owner : roles.Contains(PortalRoles.Staff) ? PortalRoles.Staff : null;
        if (current is null)
            return Outcome.Fail("This person is not on the team.");
        if (current == role)
            return Outcome.Ok($"Already {role}.");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (current == PortalRoles.Owner && await MemberErasure.IsLastOwnerAsync(db, userId, ct))
                return Outcome.Fail("This is the only Owner: make someone else Owner first.");
        var changed = await users.RemoveFromRolesAsync(user, roles.Where(r => PortalRoles.All.Contains(r)));
        if (changed.Succeeded)
            changed = await users.AddToRoleAsync(user, role);
        if (!changed.Succeeded)
            return Outcome.Fail(string.Join(" ", changed.Errors.Select(e => e.Description)));
        // Their cookie and any open circuit carry the old role: a new stamp ends them at the next check (a minute).
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(await actor.GetAsync(), "team.role", $"Changed a team member's role to {role}", "member", userId, current, role, ct);
        return Outcome.Ok($"{user.Email} is now {role}.");
    }

    /// <summary>Takes someone off the team: the account stays as a plain member account, its sessions end.</summary>
    public async Task<Outcome> RemoveAsync(string userId, CancellationToken ct = default)
    {
        if (await RefusedAsync("team.remove", ct) is { } refused)
            return refused;
        var user = await users.FindByIdAsync(userId);
        if (user is null)
            return Outcome.Fail("This person no longer has an account.");
        var roles = (await users.GetRolesAsync(user)).Where(r => PortalRoles.All.Contains(r)).ToList();
        if (roles.Count == 0)
            return Outcome.Fail("This person is not on the team.");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await MemberErasure.IsLastOwnerAsync(db, userId, ct))
                return Outcome.Fail("This is the only Owner: make someone else Owner first.");
        var removed = await users.RemoveFromRolesAsync(user, roles);
        if (!removed.Succeeded)
            return Outcome.Fail(string.Join(" ", removed.Errors.Select(e => e.Description)));
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(await actor.GetAsync(), "team.remove", "Removed a team member", "member", userId, string.Join(", ", roles), null, ct);
        return Outcome.Ok($"{user.Email} is no longer on the team.");
    }

    private async Task<Outcome?> RefusedAsync(string action, CancellationToken ct)
    {
        try
        {
            await actor.RequireAsync(action, ct: ct);
            return null;
        }
        catch (ActionRefusedException ex)
        {
            return Outcome.Fail(ex.Message);
        }
    }
}
