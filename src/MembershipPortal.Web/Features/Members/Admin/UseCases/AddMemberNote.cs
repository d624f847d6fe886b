using MembershipPortal.Infrastructure.Members;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>A staff note on a member's page (Owner or Staff; the member never sees it).</summary>
public sealed record AddMemberNote(string MemberId, string? Text) : IUseCaseRequest
{
    public const int MaxLength = 4000;

    public UseCase Describe() => UseCase.Admin("member.note", MemberId);
}

public sealed class AddMemberNoteHandler : IUseCaseHandler<AddMemberNote>
{
    public async Task<string> RunAsync(AddMemberNote request, UseCaseScope uc)
    {
        var body = (request.Text ?? "").Trim();
        if (body.Length == 0)
            throw new UseCaseRefused("Write the note first.");
        if (body.Length > AddMemberNote.MaxLength)
            throw new UseCaseRefused($"A note can be at most {AddMemberNote.MaxLength:N0} characters.");
        if (!await uc.Db.Users.AnyAsync(u => u.Id == request.MemberId, uc.Ct))
            throw new UseCaseRefused("This member no longer exists.");
        uc.Db.MemberNotes.Add(new MemberNote
        {
            MemberId = request.MemberId,
            AuthorId = uc.Actor.Id,
            AuthorName = uc.Actor.Name,
            Text = body,
            At = uc.Now,
        });
        uc.AuditSummary = "Added a staff note";
        return "Note added.";
    }
}
