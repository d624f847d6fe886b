using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>
/// Erases the member's personal data (<see cref="MemberErasure"/>). The Owner erases members and Staff from
/// /admin/members; an Owner's account is never erased from the admin pages.
/// </summary>
public sealed record EraseMember(string MemberId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.delete", MemberId);
}

public sealed class EraseMemberHandler(MemberErasure erasure) : IUseCaseHandler<EraseMember>
{
    public async Task<string> RunAsync(EraseMember request, UseCaseScope uc)
    {
        if (uc.Actor.Id == request.MemberId)
            throw new UseCaseRefused("You cannot delete your own account here.");
        if ((await AdminAccess.RolesAsync(uc.Db, request.MemberId, uc.Ct)).Contains(PortalRoles.Owner))
            throw new UseCaseRefused("The Owner's account cannot be deleted.");
        await erasure.StageAsync(uc.Db, request.MemberId, uc.Now, uc.Ct);
        uc.AuditSummary = "Erased the member's personal data; invoices kept anonymised";
        return "Member erased. Their invoices stay in the books without personal data.";
    }
}
