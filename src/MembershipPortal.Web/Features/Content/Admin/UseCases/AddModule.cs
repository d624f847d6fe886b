using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>A new module at the end of a course; the <see cref="Outcome.Id"/> is the module's, the audit entry the course's.</summary>
public sealed record AddModule(Guid CourseId, string? Title) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.module.add", "course", CourseId.ToString());
}

public sealed class AddModuleHandler : IUseCaseHandler<AddModule>
{
    public async Task<string> RunAsync(AddModule request, UseCaseScope uc)
    {
        var errors = new List<string>();
        var name = Required(request.Title, "module title", TitleMax, errors);
        ThrowIfAny(errors);
        if (!await uc.Db.Courses.AnyAsync(c => c.Id == request.CourseId, uc.Ct))
            throw new UseCaseRefused("The course no longer exists.");
        var module = new CourseModule
        {
            CourseId = request.CourseId,
            Title = name,
            Position = await uc.Db.CourseModules.CountAsync(m => m.CourseId == request.CourseId, uc.Ct),
        };
        uc.Db.CourseModules.Add(module);
        uc.TargetId = module.Id;
        uc.AuditSummary = $"Added module “{name}”";
        return $"Added module “{name}”.";
    }
}
