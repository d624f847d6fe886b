using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>
/// Creates a lesson at the end of its module, or updates one; a lesson given a new module moves to that module's end.
/// The <see cref="Outcome.Id"/> is the lesson's, the audit entry the course's.
/// </summary>
public sealed record SaveLesson(LessonDraft Draft) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget(Draft.Id is null ? "lesson.create" : "lesson.update", "course");
}

public sealed class SaveLessonHandler : IUseCaseHandler<SaveLesson>
{
    public async Task<string> RunAsync(SaveLesson request, UseCaseScope uc)
    {
        var (draft, db, ct) = (request.Draft, uc.Db, uc.Ct);
        var errors = new List<string>();
        var title = Required(draft.Title, "title", TitleMax, errors);
        var slug = CheckSlug(draft.Slug, errors);
        var body = draft.BodyMarkdown ?? "";
        if (body.Length > BodyMax)
            errors.Add($"The lesson body can be at most {BodyMax:N0} characters.");
        var video = CheckVideoUrl(draft.VideoEmbedUrl, errors);
        if (draft.DripDays is < 0 or > DripDaysMax)
            errors.Add($"Drip days must be between 0 and {DripDaysMax} (or leave it empty).");
        var id = draft.Id ?? Guid.Empty;

        var module = await db.CourseModules.AsNoTracking().FirstOrDefaultAsync(m => m.Id == draft.ModuleId, ct);
        if (module is null)
        {
            errors.Insert(0, "Choose a module for the lesson.");
            ThrowIfAny(errors);
        }
        var courseId = module!.CourseId;
        if (draft.FileId is { } fileId && !await db.StoredFiles.AnyAsync(f => f.Id == fileId, ct))
            errors.Add("The attached file no longer exists; upload it again.");
        var taken = $"Another lesson in this course already uses the slug “{slug}”. Choose a different one.";
        if (slug.Length > 0 && await db.Lessons.AnyAsync(l => l.CourseId == courseId && l.Slug == slug && l.Id != id, ct))
            errors.Add(taken);
        ThrowIfAny(errors);

        Lesson? lesson;
        if (draft.Id is null)
        {
            lesson = new Lesson { CourseId = courseId, ModuleId = module.Id, Title = title, Slug = slug, Position = await db.Lessons.CountAsync(l => l.ModuleId == module.Id, ct) };
            db.Lessons.Add(lesson);
        }
        else if ((lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == id, ct)) is null)
        {
            throw new UseCaseRefused("This lesson was deleted by someone else; nothing was saved.");
        }
        else if (lesson.CourseId != courseId)
        {
            throw new UseCaseRefused("A lesson can only move between modules of its own course.");
        }
        else if (lesson.ModuleId != module.Id)
        {
            var left = await db.Lessons.Where(l => l.ModuleId == lesson.ModuleId && l.Id != lesson.Id).OrderBy(l => l.Position).ToListAsync(ct);
            Renumber(left, (l, i) => l.Position = i);
            lesson.Position = await db.Lessons.CountAsync(l => l.ModuleId == module.Id, ct);
            lesson.ModuleId = module.Id;
        }
        lesson.Title = title;
        lesson.Slug = slug;
        lesson.BodyMarkdown = body;
        lesson.VideoEmbedUrl = video;
        lesson.FileId = draft.FileId;
        lesson.DripDays = draft.DripDays;
        lesson.DripDate = draft.DripDate?.ToUniversalTime();
        (uc.TargetId, uc.AuditTargetId) = (lesson.Id, lesson.CourseId.ToString());
        uc.ConflictMessage = taken;
        uc.AuditSummary = $"{(draft.Id is null ? "Created" : "Updated")} lesson “{title}”";
        return $"Saved lesson “{title}”.";
    }
}
