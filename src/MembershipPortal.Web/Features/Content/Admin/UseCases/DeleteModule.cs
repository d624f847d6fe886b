using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Deletes a module and its lessons; the remaining modules are renumbered in the same save. The <see cref="Outcome.Id"/> is the course's.</summary>
public sealed record DeleteModule(Guid ModuleId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.module.delete", "course");
}

public sealed class DeleteModuleHandler : IUseCaseHandler<DeleteModule>
{
    public async Task<string> RunAsync(DeleteModule request, UseCaseScope uc)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        var module = await db.CourseModules.FirstOrDefaultAsync(m => m.Id == request.ModuleId, ct)
            ?? throw new UseCaseRefused("The module no longer exists.");
        var siblings = await db.CourseModules.Where(m => m.CourseId == module.CourseId).OrderBy(m => m.Position).ToListAsync(ct);
        siblings.RemoveAll(m => m.Id == module.Id);
        Renumber(siblings, (m, i) => m.Position = i);
        db.Lessons.RemoveRange(await db.Lessons.Where(l => l.ModuleId == module.Id).ToListAsync(ct));
        db.CourseModules.Remove(module);
        uc.TargetId = module.CourseId;
        uc.AuditSummary = $"Deleted module “{module.Title}” and its lessons";
        return $"Deleted module “{module.Title}”.";
    }
}
