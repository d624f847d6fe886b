using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Content;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>A stored upload, or why nothing was stored.</summary>
public sealed record UploadResult(Guid? FileId, string? FileName, long Length, string? Error);

public sealed record AccessProductChoice(Guid Id, string Name, ProductKind Kind);

public sealed record ContentRow(Guid Id, string Title, string Slug, ContentKind Kind, AccessLevel Access, IReadOnlyList<string> Products, DateTimeOffset PublishAt, bool Scheduled, string? Author);

/// <summary>The editor's form model for an article, video, download or post; <see cref="Id"/> is null for a new item.</summary>
public sealed class ContentDraft
{
    public Guid? Id { get; set; }
    public ContentKind Kind { get; set; } = ContentKind.Article;
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Teaser { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    public string? CoverImageUrl { get; set; }
    public string? VideoEmbedUrl { get; set; }
    public Guid? FileId { get; set; }
    public string? FileName { get; set; }
    public DateTimeOffset PublishAt { get; set; }
    public string? Author { get; set; }
    public AccessLevel Access { get; set; } = AccessLevel.Members;
    public IReadOnlyCollection<Guid> RequiredProductIds { get; set; } = [];
}

public sealed record CourseRow(Guid Id, string Title, string Slug, AccessLevel Access, IReadOnlyList<string> Products, DateTimeOffset PublishAt, bool Scheduled, int Modules, int Lessons);

public sealed class CourseDraft
{
    public Guid? Id { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Teaser { get; set; } = "";
    public string DescriptionMarkdown { get; set; } = "";
    public string? CoverImageUrl { get; set; }
    public DateTimeOffset PublishAt { get; set; }
    public AccessLevel Access { get; set; } = AccessLevel.Members;
    public IReadOnlyCollection<Guid> RequiredProductIds { get; set; } = [];
}

public sealed record LessonOutline(Guid Id, Guid ModuleId, string Title, string Slug, int Position, int? DripDays, DateTimeOffset? DripDate, bool HasVideo, bool HasFile);

public sealed record ModuleOutline(Guid Id, string Title, int Position, IReadOnlyList<LessonOutline> Lessons);

/// <summary>A course with its modules and lessons in order, as the course builder shows it.</summary>
public sealed record CourseOutline(CourseDraft Details, IReadOnlyList<ModuleOutline> Modules);

public sealed class LessonDraft
{
    public Guid? Id { get; set; }
    public Guid CourseId { get; set; }
    public Guid ModuleId { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    public string? VideoEmbedUrl { get; set; }
    public Guid? FileId { get; set; }
    public string? FileName { get; set; }
    public int? DripDays { get; set; }
    public DateTimeOffset? DripDate { get; set; }
}
