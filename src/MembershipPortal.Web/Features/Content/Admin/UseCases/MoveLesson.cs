using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>
/// Puts a lesson at an index (clamped) in a module of the same course, its own or another. The source and target
/// modules are both renumbered 0..n-1 in one save, so positions never have gaps or duplicates.
/// </summary>
public sealed record MoveLesson(Guid LessonId, Guid TargetModuleId, int Index) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("lesson.move", "course");
}

public sealed class MoveLessonHandler : IUseCaseHandler<MoveLesson>
{
    public async Task<string> RunAsync(MoveLesson request, UseCaseScope uc)
    {
        var lesson = await uc.Db.Lessons.FirstOrDefaultAsync(l => l.Id == request.LessonId, uc.Ct)
            ?? throw new UseCaseRefused("The lesson no longer exists.");
        return await MoveAsync(uc, lesson, request.TargetModuleId, request.Index);
    }

    /// <summary>The move itself, shared with <see cref="StepLessonHandler"/>; <paramref name="lesson"/> is tracked by <c>uc.Db</c>.</summary>
    internal static async Task<string> MoveAsync(UseCaseScope uc, Lesson lesson, Guid targetModuleId, int index)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        if (!await db.CourseModules.AnyAsync(m => m.Id == targetModuleId && m.CourseId == lesson.CourseId, ct))
            throw new UseCaseRefused("A lesson can only move between modules of its own course.");
        var source = await db.Lessons.Where(l => l.ModuleId == lesson.ModuleId && l.Id != lesson.Id).OrderBy(l => l.Position).ToListAsync(ct);
        var target = targetModuleId == lesson.ModuleId
            ? source
            : await db.Lessons.Where(l => l.ModuleId == targetModuleId).OrderBy(l => l.Position).ToListAsync(ct);
        Renumber(source, (l, i) => l.Position = i);
        target.Insert(Math.Clamp(index, 0, target.Count), lesson);
        var (fromModule, fromPosition) = (lesson.ModuleId, lesson.Position);
        lesson.ModuleId = targetModuleId;
        Renumber(target, (l, i) => l.Position = i);
        (uc.TargetId, uc.AuditTargetId) = (lesson.Id, lesson.CourseId.ToString());
        if (lesson.ModuleId == fromModule && lesson.Position == fromPosition)
        {
            uc.Unchanged = true;
            return $"“{lesson.Title}” stays where it is.";
        }
        uc.AuditSummary = $"Moved lesson “{lesson.Title}”";
        uc.AuditBefore = fromModule == targetModuleId ? $"position {fromPosition + 1}" : $"another module, position {fromPosition + 1}";
        uc.AuditAfter = $"position {lesson.Position + 1}";
        return $"Moved “{lesson.Title}”.";
    }
}
