using System.Buffers;
using System.IO.Pipelines;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>A cycle's content as shown: the picture is served by /files/{id}, which lets the box's members have it.</summary>
public sealed record CycleContentView(Guid ProductId, CycleKey Cycle, string Title, string? DescriptionMarkdown, Guid? ImageFileId, IReadOnlyList<string> Contents)
{
    public string? ImageUrl => ImageFileId is { } id ? $"/files/{id}" : null;
}

/// <summary>What the editor sends: the text as typed (contents one item per line) and the uploaded picture, if any.</summary>
public sealed record CycleContentInput(string? Title, string? DescriptionMarkdown, string? ContentsText, Guid? ImageFileId);

/// <summary>
/// "What's in this month's box": per box product and cycle, the Owner or Staff write a title, a Markdown description, the
/// contents list and upload a picture on /admin/boxes; members of that box read it on /account/boxes for their upcoming
/// box and the boxes they were sent. The role is checked here as well as by the page; bad input changes nothing
/// (<see cref="CycleContentRules"/>). Pictures go through the content feature's <see cref="FileStore"/> (its size limit,
/// its image types, stored outside wwwroot) and must really be PNG, JPEG or WebP.
/// </summary>
public sealed class CycleContents(IDbContextFactory<AppDbContext> dbFactory, ImageUploads images, AuditLog audit, TimeProvider clock)
{
    public static IReadOnlyList<string> ImageTypes => ImageUploads.Types;

    public long MaxImageBytes => ImageUploads.MaxBytes;

    private static bool MayEdit(AuditActor actor) => actor.Role is PortalRoles.Owner or PortalRoles.Staff;

    public async Task<CycleContentView?> GetAsync(Guid productId, CycleKey cycle, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = cycle.ToString();
        var row = await db.BoxCycleContents.AsNoTracking().FirstOrDefaultAsync(c => c.ProductId == productId && c.Cycle == key, ct);
        return row is null ? null : View(row);
    }

    /// <summary>The content of each (product, cycle) asked for that has any, keyed by both.</summary>
    internal static async Task<Dictionary<(Guid ProductId, string Cycle), CycleContentView>> ForAsync(AppDbContext db, IReadOnlyCollection<Guid> productIds,
        IReadOnlyCollection<string> cycles, CancellationToken ct) =>
        (await db.BoxCycleContents.AsNoTracking().Where(c => productIds.Contains(c.ProductId) && cycles.Contains(c.Cycle)).ToListAsync(ct))
            .ToDictionary(c => (c.ProductId, c.Cycle), View);

    private static CycleContentView View(BoxCycleContent c) => new(c.ProductId, CycleKey.Parse(c.Cycle), c.Title, c.DescriptionMarkdown, c.ImageFileId, c.Contents);

    /// <summary>Saves a cycle's content as <paramref name="actor"/> (Owner or Staff); returns every problem, and then nothing is saved.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(Guid productId, CycleKey cycle, CycleContentInput input, AuditActor actor, CancellationToken ct = default)
    {
        if (!MayEdit(actor))
            return ["Only the Owner or Staff can describe a box."];
        var (text, problems) = CycleContentRules.Check(input.Title, input.DescriptionMarkdown, CycleContentRules.SplitLines(input.ContentsText));
        var errors = problems.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.Kind == ProductKind.Box, ct))
            errors.Add("Choose a box product.");
        if (input.ImageFileId is { } fileId && !await db.StoredFiles.AnyAsync(f => f.Id == fileId && f.ContentType.StartsWith("image/"), ct))
            errors.Add("The picture is no longer there; upload it again.");
        if (errors.Count > 0)
            return errors;

        var key = cycle.ToString();
        var row = await db.BoxCycleContents.FirstOrDefaultAsync(c => c.ProductId == productId && c.Cycle == key, ct);
        var before = row?.Title;
        if (row is null)
            db.BoxCycleContents.Add(row = new BoxCycleContent { ProductId = productId, Cycle = key, Title = "" });
        (row.Title, row.DescriptionMarkdown, row.Contents, row.ImageFileId, row.UpdatedAt) = (text!.Title, text.DescriptionMarkdown, [.. text.Contents], input.ImageFileId, clock.GetUtcNow());
        audit.Add(db, actor, "boxes.cycle-content", $"Described the {key} box: {text.Title}", "product", productId.ToString(), before, text.Title);
        await db.SaveChangesAsync(ct);
        return [];
    }

    /// <summary>Removes a cycle's content (Owner or Staff): members see none for it. Null when done, else why not.</summary>
    public async Task<string?> RemoveAsync(Guid productId, CycleKey cycle, AuditActor actor, CancellationToken ct = default)
    {
        if (!MayEdit(actor))
            return "Only the Owner or Staff can describe a box.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = cycle.ToString();
        var row = await db.BoxCycleContents.FirstOrDefaultAsync(c => c.ProductId == productId && c.Cycle == key, ct);
        if (row is null)
            return null;
        db.BoxCycleContents.Remove(row);
        audit.Add(db, actor, "boxes.cycle-content", $"Removed the description of the {key} box", "product", productId.ToString(), row.Title, null);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Stores a picture for a cycle (Owner or Staff): one of the image types the content feature accepts, within its size
    /// limit, whose first bytes really are that format (a renamed page or script is refused). Returns its id or why not.
    /// </summary>
    public async Task<(Guid? FileId, string? Error)> UploadImageAsync(Stream content, string fileName, AuditActor actor, CancellationToken ct = default) =>
        MayEdit(actor) ? await images.SaveAsync(content, fileName, null, actor, "a box", ct) : (null, "Only the Owner or Staff can describe a box.");
}
