using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Moves a module to an index (clamped) among its course's modules; all positions become 0..n-1.</summary>
public sealed record MoveModule(Guid ModuleId, int Index) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.module.move", "course");
}

public sealed class MoveModuleHandler : IUseCaseHandler<MoveModule>
{
    public Task<string> RunAsync(MoveModule request, UseCaseScope uc) => MoveAsync(uc, request.ModuleId, _ => request.Index);

    /// <summary>The move itself, shared with <see cref="StepModuleHandler"/>: <paramref name="index"/> is given the module's current index.</summary>
    internal static async Task<string> MoveAsync(UseCaseScope uc, Guid moduleId, Func<int, int> index)
    {
        var module = await uc.Db.CourseModules.FirstOrDefaultAsync(m => m.Id == moduleId, uc.Ct)
            ?? throw new UseCaseRefused("The module no longer exists.");
        var modules = await uc.Db.CourseModules.Where(m => m.CourseId == module.CourseId).OrderBy(m => m.Position).ToListAsync(uc.Ct);
        var current = modules.FindIndex(m => m.Id == moduleId);
        modules.RemoveAt(current);
        modules.Insert(Math.Clamp(index(current), 0, modules.Count), module);
        var from = module.Position;
        Renumber(modules, (m, i) => m.Position = i);
        (uc.TargetId, uc.AuditTargetId) = (module.Id, module.CourseId.ToString());
        if (module.Position == from)
        {
            uc.Unchanged = true;
            return $"“{module.Title}” stays where it is.";
        }
        (uc.AuditSummary, uc.AuditBefore, uc.AuditAfter) = ($"Moved module “{module.Title}”", $"position {from + 1}", $"position {module.Position + 1}");
        return $"Moved module “{module.Title}” to position {module.Position + 1}.";
    }
}
