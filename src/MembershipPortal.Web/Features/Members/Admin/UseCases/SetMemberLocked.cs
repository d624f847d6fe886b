using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Locks (no sign-in, current sessions end within a minute) or unlocks a member's account.</summary>
public sealed record SetMemberLocked(string MemberId, bool Locked) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin(Locked ? "member.lock" : "member.unlock", MemberId);
}

public sealed class SetMemberLockedHandler : IUseCaseHandler<SetMemberLocked>
{
    public async Task<string> RunAsync(SetMemberLocked request, UseCaseScope uc)
    {
        var (memberId, locked) = (request.MemberId, request.Locked);
        if (locked && uc.Actor.Id == memberId)
            throw new UseCaseRefused("You cannot lock your own account.");
        var user = await uc.Db.Users.FirstOrDefaultAsync(u => u.Id == memberId, uc.Ct) ?? throw new UseCaseRefused("This member no longer exists.");
        if (locked && (await AdminAccess.RolesAsync(uc.Db, memberId, uc.Ct)).Contains(PortalRoles.Owner) && uc.Actor.Role != PortalRoles.Owner)
            throw new UseCaseRefused("Only the Owner can lock the Owner.");
        user.LockoutEnabled = true;
        user.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
        user.AccessFailedCount = 0;
        user.SecurityStamp = Guid.NewGuid().ToString("N"); // ends existing sessions at their next validation
        uc.AuditSummary = locked ? "Locked the account" : "Unlocked the account";
        return locked ? "Account locked." : "Account unlocked.";
    }
}
