using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Removes a library item for everyone.</summary>
public sealed record DeleteContent(Guid Id) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("content.delete", "content", Id.ToString());
}

public sealed class DeleteContentHandler : IUseCaseHandler<DeleteContent>
{
    public async Task<string> RunAsync(DeleteContent request, UseCaseScope uc)
    {
        var item = await uc.Db.ContentItems.FirstOrDefaultAsync(c => c.Id == request.Id, uc.Ct)
            ?? throw new UseCaseRefused("That item was already gone.");
        uc.Db.ContentItems.Remove(item);
        uc.TargetId = item.Id;
        uc.AuditSummary = $"Deleted “{item.Title}” (/content/{item.Slug})";
        return $"Deleted “{item.Title}”.";
    }
}
