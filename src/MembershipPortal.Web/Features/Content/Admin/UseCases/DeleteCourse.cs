using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Deletes a course with its modules and lessons; members' enrolments and completions go with it (cascade).</summary>
public sealed record DeleteCourse(Guid Id) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.delete", "course", Id.ToString());
}

public sealed class DeleteCourseHandler : IUseCaseHandler<DeleteCourse>
{
    public async Task<string> RunAsync(DeleteCourse request, UseCaseScope uc)
    {
        var (db, id, ct) = (uc.Db, request.Id, uc.Ct);
        var course = await db.Courses.FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new UseCaseRefused("That course was already gone.");
        db.Lessons.RemoveRange(await db.Lessons.Where(l => l.CourseId == id).ToListAsync(ct));
        db.CourseModules.RemoveRange(await db.CourseModules.Where(m => m.CourseId == id).ToListAsync(ct));
        db.Courses.Remove(course);
        uc.TargetId = id;
        uc.AuditSummary = $"Deleted course “{course.Title}” with its modules and lessons";
        return $"Deleted “{course.Title}”.";
    }
}
