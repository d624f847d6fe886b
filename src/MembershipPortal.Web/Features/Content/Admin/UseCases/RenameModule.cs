using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Gives a module a new title; the same title again changes (and records) nothing.</summary>
public sealed record RenameModule(Guid ModuleId, string? Title) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.module.rename", "course");
}

public sealed class RenameModuleHandler : IUseCaseHandler<RenameModule>
{
    public async Task<string> RunAsync(RenameModule request, UseCaseScope uc)
    {
        var errors = new List<string>();
        var name = Required(request.Title, "module title", TitleMax, errors);
        ThrowIfAny(errors);
        var module = await uc.Db.CourseModules.FirstOrDefaultAsync(m => m.Id == request.ModuleId, uc.Ct)
            ?? throw new UseCaseRefused("The module no longer exists.");
        (uc.TargetId, uc.AuditTargetId) = (module.Id, module.CourseId.ToString());
        if (module.Title == name)
        {
            uc.Unchanged = true;
            return "The module already has that title.";
        }
        (uc.AuditSummary, uc.AuditBefore, uc.AuditAfter) = ("Renamed a module", module.Title, name);
        module.Title = name;
        return $"Renamed the module “{name}”.";
    }
}
