using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>
/// One step up (<see cref="Direction"/> below zero) or down in reading order: past the top or bottom of a module it
/// crosses into the neighbouring module. Recorded as a move; at the very top or bottom nothing changes.
/// </summary>
public sealed record StepLesson(Guid LessonId, int Direction) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("lesson.move", "course");
}

public sealed class StepLessonHandler : IUseCaseHandler<StepLesson>
{
    public async Task<string> RunAsync(StepLesson request, UseCaseScope uc)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        var lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == request.LessonId, ct)
            ?? throw new UseCaseRefused("The lesson no longer exists.");
        var modules = await db.CourseModules.AsNoTracking().Where(m => m.CourseId == lesson.CourseId).OrderBy(m => m.Position).Select(m => m.Id).ToListAsync(ct);
        var inModule = await db.Lessons.AsNoTracking().Where(l => l.ModuleId == lesson.ModuleId).OrderBy(l => l.Position).Select(l => l.Id).ToListAsync(ct);
        var index = inModule.IndexOf(lesson.Id);
        var moduleIndex = modules.IndexOf(lesson.ModuleId);
        var (module, at) = request.Direction < 0
            ? index > 0 ? (lesson.ModuleId, index - 1) : moduleIndex > 0 ? (modules[moduleIndex - 1], int.MaxValue) : (Guid.Empty, 0)
            : index < inModule.Count - 1 ? (lesson.ModuleId, index + 1) : moduleIndex < modules.Count - 1 ? (modules[moduleIndex + 1], 0) : (Guid.Empty, 0);
        if (module == Guid.Empty)
        {
            (uc.TargetId, uc.AuditTargetId, uc.Unchanged) = (lesson.Id, lesson.CourseId.ToString(), true);
            return $"“{lesson.Title}” is already at the {(request.Direction < 0 ? "top" : "bottom")}.";
        }
        return await MoveLessonHandler.MoveAsync(uc, lesson, module, at);
    }
}
