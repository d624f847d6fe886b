using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Deletes a lesson and renumbers the rest of its module in the same save. The <see cref="Outcome.Id"/> is the course's.</summary>
public sealed record DeleteLesson(Guid LessonId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("lesson.delete", "course");
}

public sealed class DeleteLessonHandler : IUseCaseHandler<DeleteLesson>
{
    public async Task<string> RunAsync(DeleteLesson request, UseCaseScope uc)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        var lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == request.LessonId, ct)
            ?? throw new UseCaseRefused("The lesson no longer exists.");
        var siblings = await db.Lessons.Where(l => l.ModuleId == lesson.ModuleId && l.Id != lesson.Id).OrderBy(l => l.Position).ToListAsync(ct);
        Renumber(siblings, (l, i) => l.Position = i);
        db.Lessons.Remove(lesson);
        uc.TargetId = lesson.CourseId;
        uc.AuditSummary = $"Deleted lesson “{lesson.Title}”";
        return $"Deleted “{lesson.Title}”.";
    }
}
