namespace MembershipPortal.Infrastructure.Content;

public enum ContentKind { Article, Video, Download, Post }

/// <summary>Who may open an item: anyone, any signed-in account, or holders of any of the listed products.</summary>
public enum AccessLevel { Public, Members, Products }

/// <summary>An article, video, download or community post. Access is decided per request from the member's subscriptions.</summary>
public class ContentItem
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public ContentKind Kind { get; set; }
    public required string Title { get; set; }
    public required string Slug { get; set; }
    public string Teaser { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    public string? CoverImageUrl { get; set; }
    /// <summary>An embed address from an allowed host (YouTube, Vimeo); or use <see cref="FileId"/> for an uploaded video.</summary>
    public string? VideoEmbedUrl { get; set; }
    public Guid? FileId { get; set; }
    public DateTimeOffset PublishAt { get; set; }
    public string? Author { get; set; }
    public AccessLevel Access { get; set; }
    public List<Guid> RequiredProductIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public class Course
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Title { get; set; }
    public required string Slug { get; set; }
    public string Teaser { get; set; } = "";
    public string DescriptionMarkdown { get; set; } = "";
    public string? CoverImageUrl { get; set; }
    public DateTimeOffset PublishAt { get; set; }
    public AccessLevel Access { get; set; }
    public List<Guid> RequiredProductIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

public class CourseModule
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CourseId { get; set; }
    public required string Title { get; set; }
    public int Position { get; set; }
}

public class Lesson
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CourseId { get; set; }
    public Guid ModuleId { get; set; }
    public required string Title { get; set; }
    public required string Slug { get; set; }
    public int Position { get; set; }
    public string BodyMarkdown { get; set; } = "";
    public string? VideoEmbedUrl { get; set; }
    public Guid? FileId { get; set; }
    /// <summary>Drip: available this many days after the member's enrolment ...</summary>
    public int? DripDays { get; set; }
    /// <summary>... or from this date (whichever is set; both set means the later).</summary>
    public DateTimeOffset? DripDate { get; set; }
}

public class Enrollment
{
    public Guid CourseId { get; set; }
    public required string MemberId { get; set; }
    public DateTimeOffset EnrolledAt { get; set; }
    public Guid? LastLessonId { get; set; }
    public DateTimeOffset? LastVisitedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public class LessonCompletion
{
    public Guid LessonId { get; set; }
    public required string MemberId { get; set; }
    public Guid CourseId { get; set; }
    public DateTimeOffset CompletedAt { get; set; }
}

/// <summary>An uploaded file kept outside wwwroot; served only by /files/{id} after the access check of the item that uses it.</summary>
public class StoredFile
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Length { get; set; }
    /// <summary>Name of the blob in the files folder: the id, never a user-supplied path.</summary>
    public required string StorageKey { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>Access to a product granted by the Owner, free, optionally until a date.</summary>
public class Comp
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string MemberId { get; set; }
    public Guid ProductId { get; set; }
    public DateTimeOffset? Until { get; set; }
    public string? GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}
