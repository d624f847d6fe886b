using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Courses;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Infrastructure.Content;

namespace MembershipPortal.Web.Features.Content;

public sealed record PaywallOffer(string ProductName, Guid PriceId, PriceTerms Terms, string Href, bool IsUpgrade);

public sealed record ContentCard(Guid Id, ContentKind Kind, string Title, string Slug, string Teaser, string? CoverImageUrl, DateTimeOffset PublishAt, AccessDecision Decision);

/// <summary>An item as the asker may see it: <see cref="Body"/>, <see cref="VideoEmbedUrl"/> and <see cref="FileId"/> are empty when locked.</summary>
public sealed record ContentView(
    Guid Id, ContentKind Kind, string Title, string Teaser, string? CoverImageUrl, DateTimeOffset PublishAt, string? Author,
    AccessDecision Decision, string? Body, string? VideoEmbedUrl, Guid? FileId, string? FileName, PaywallOffer? Offer);

public sealed record LessonRow(Guid Id, string Title, string Slug, bool Completed, bool Open, DateTimeOffset? OpensAt);

public sealed record ModuleView(string Title, IReadOnlyList<LessonRow> Lessons);

public sealed record CourseCard(Guid Id, string Title, string Slug, string Teaser, string? CoverImageUrl, AccessDecision Decision, CourseProgress Progress, bool Enrolled);

public sealed record CourseView(
    Guid Id, string Title, string Slug, string Teaser, string? DescriptionMarkdown, string? CoverImageUrl, AccessDecision Decision,
    PaywallOffer? Offer, IReadOnlyList<ModuleView> Modules, CourseProgress Progress, string? ContinueLessonSlug, DateTimeOffset? CompletedAt);

public sealed record LessonView(
    Guid Id, string CourseTitle, string CourseSlug, string Title, string Slug, AccessDecision Decision, DateTimeOffset? OpensAt,
    string? Body, string? VideoEmbedUrl, Guid? FileId, string? FileName, bool Completed, CourseProgress Progress,
    string? PreviousSlug, string? NextSlug, PaywallOffer? Offer);

public sealed record UpcomingLesson(string CourseTitle, string CourseSlug, string LessonTitle, DateTimeOffset OpensAt);

public static class VideoEmbeds
{
    /// <summary>Only these hosts may be embedded (the CSP's frame-src lists the same).</summary>
    public static readonly string[] AllowedHosts = ["www.youtube-nocookie.com", "player.vimeo.com"];

    public static bool IsAllowed(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && AllowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
}
