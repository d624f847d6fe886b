using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Creates a course (<see cref="CourseDraft.Id"/> empty) or updates its details; modules and lessons have their own use cases.</summary>
public sealed record SaveCourse(CourseDraft Draft) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget(Draft.Id is null ? "course.create" : "course.update", "course", Draft.Id?.ToString());
}

public sealed class SaveCourseHandler : IUseCaseHandler<SaveCourse>
{
    public async Task<string> RunAsync(SaveCourse request, UseCaseScope uc)
    {
        var draft = request.Draft;
        var errors = new List<string>();
        var values = await CheckAsync(uc.Db, draft, errors, uc.Ct);
        var products = await CheckAccessAsync(uc.Db, draft.Access, draft.RequiredProductIds, errors, uc.Ct);
        ThrowIfAny(errors);

        Course? course;
        if (draft.Id is null)
        {
            course = new Course { Title = values.Title, Slug = values.Slug, CreatedAt = uc.Now };
            uc.Db.Courses.Add(course);
        }
        else if ((course = await uc.Db.Courses.FirstOrDefaultAsync(c => c.Id == draft.Id, uc.Ct)) is null)
        {
            throw new UseCaseRefused("This course was deleted by someone else; nothing was saved.");
        }
        Apply(course, values, draft.Access, products);
        uc.TargetId = course.Id;
        uc.ConflictMessage = SlugTaken(values.Slug, "course");
        uc.AuditSummary = $"{(draft.Id is null ? "Created" : "Updated")} course “{values.Title}” (/courses/{values.Slug})";
        return draft.Id is null ? "Course created." : "Course details saved.";
    }

    internal sealed record CourseValues(string Title, string Slug, string Teaser, string Description, string? Cover, DateTimeOffset PublishAt);

    /// <summary>The course form's own fields, checked; problems are added to <paramref name="errors"/>.</summary>
    internal static async Task<CourseValues> CheckAsync(AppDbContext db, CourseDraft draft, List<string> errors, CancellationToken ct)
    {
        var title = Required(draft.Title, "title", TitleMax, errors);
        var slug = CheckSlug(draft.Slug, errors);
        var teaser = Optional(draft.Teaser, "teaser", TeaserMax, errors) ?? "";
        var description = draft.DescriptionMarkdown ?? "";
        if (description.Length > DescriptionMax)
            errors.Add($"The description can be at most {DescriptionMax:N0} characters.");
        var cover = CheckCoverUrl(draft.CoverImageUrl, errors);
        var publishAt = CheckPublishAt(draft.PublishAt, errors);
        var id = draft.Id ?? Guid.Empty;
        if (slug.Length > 0 && await db.Courses.AnyAsync(c => c.Slug == slug && c.Id != id, ct))
            errors.Add(SlugTaken(slug, "course"));
        return new CourseValues(title, slug, teaser, description, cover, publishAt);
    }

    internal static void Apply(Course course, CourseValues values, AccessLevel access, List<Guid> products)
    {
        course.Title = values.Title;
        course.Slug = values.Slug;
        course.Teaser = values.Teaser;
        course.DescriptionMarkdown = values.Description;
        course.CoverImageUrl = values.Cover;
        course.PublishAt = values.PublishAt;
        course.Access = access;
        course.RequiredProductIds = products;
    }
}
