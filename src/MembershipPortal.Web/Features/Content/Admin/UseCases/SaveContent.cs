using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>Creates a library item (<see cref="ContentDraft.Id"/> empty) or updates one, every field checked first.</summary>
public sealed record SaveContent(ContentDraft Draft) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget(Draft.Id is null ? "content.create" : "content.update", "content", Draft.Id?.ToString());
}

public sealed class SaveContentHandler : IUseCaseHandler<SaveContent>
{
    public async Task<string> RunAsync(SaveContent request, UseCaseScope uc)
    {
        var (draft, db, ct) = (request.Draft, uc.Db, uc.Ct);
        var errors = new List<string>();
        var title = Required(draft.Title, "title", TitleMax, errors);
        var slug = CheckSlug(draft.Slug, errors);
        var teaser = Optional(draft.Teaser, "teaser", TeaserMax, errors) ?? "";
        var body = draft.BodyMarkdown ?? "";
        if (body.Length > BodyMax)
            errors.Add($"The body can be at most {BodyMax:N0} characters.");
        var cover = CheckCoverUrl(draft.CoverImageUrl, errors);
        var video = CheckVideoUrl(draft.VideoEmbedUrl, errors);
        var author = Optional(draft.Author, "author", AuthorMax, errors);
        var publishAt = CheckPublishAt(draft.PublishAt, errors);
        if (!Enum.IsDefined(draft.Kind))
            errors.Add("Choose what kind of item this is.");
        var id = draft.Id ?? Guid.Empty;
        var products = await CheckAccessAsync(db, draft.Access, draft.RequiredProductIds, errors, ct);
        if (draft.FileId is { } fileId && !await db.StoredFiles.AnyAsync(f => f.Id == fileId, ct))
            errors.Add("The attached file no longer exists; upload it again.");
        if (slug.Length > 0 && await db.ContentItems.AnyAsync(c => c.Slug == slug && c.Id != id, ct))
            errors.Add(SlugTaken(slug, "item"));
        ThrowIfAny(errors);

        ContentItem? item;
        if (draft.Id is null)
        {
            item = new ContentItem { Title = title, Slug = slug, CreatedAt = uc.Now };
            db.ContentItems.Add(item);
        }
        else if ((item = await db.ContentItems.FirstOrDefaultAsync(c => c.Id == id, ct)) is null)
        {
            throw new UseCaseRefused("This item was deleted by someone else; nothing was saved.");
        }
        item.Kind = draft.Kind;
        item.Title = title;
        item.Slug = slug;
        item.Teaser = teaser;
        item.BodyMarkdown = body;
        item.CoverImageUrl = cover;
        item.VideoEmbedUrl = video;
        item.FileId = draft.FileId;
        item.PublishAt = publishAt;
        item.Author = author;
        item.Access = draft.Access;
        item.RequiredProductIds = products;
        item.UpdatedAt = uc.Now;
        uc.TargetId = item.Id;
        uc.ConflictMessage = SlugTaken(slug, "item");
        uc.AuditSummary = $"{(draft.Id is null ? "Created" : "Updated")} {draft.Kind.ToString().ToLowerInvariant()} “{title}” (/content/{slug})";
        return $"Saved “{title}”.";
    }
}
