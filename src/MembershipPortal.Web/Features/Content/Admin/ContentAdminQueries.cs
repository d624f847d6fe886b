using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>
/// What /admin/content and /admin/courses show: items, courses with their outline, lessons, and the choices their forms
/// offer. Read only: every change is a use case in <c>UseCases/</c>, run through the use-case runner.
/// </summary>
public sealed class ContentAdminQueries(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<AccessProductChoice>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await db.Products.AsNoTracking().Select(p => new AccessProductChoice(p.Id, p.Name, p.Kind)).ToListAsync(ct);
        return products.OrderBy(p => p.Kind).ThenBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>A byline for new items: the editor's name if they gave one (never their email, which would be published).</summary>
    public async Task<string?> AuthorNameAsync(string? userId, CancellationToken ct = default)
    {
        if (userId is null)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.FirstName, u.LastName }).FirstOrDefaultAsync(ct);
        var name = $"{user?.FirstName} {user?.LastName}".Trim();
        return name.Length == 0 ? null : name[..Math.Min(name.Length, ContentRules.AuthorMax)];
    }

    // ---- Content items ------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<ContentRow>> ListContentAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = await db.ContentItems.AsNoTracking().OrderByDescending(c => c.PublishAt).ToListAsync(ct);
        var names = await ProductNamesAsync(db, ct);
        return items.Select(c => new ContentRow(c.Id, c.Title, c.Slug, c.Kind, c.Access, Names(names, c.Access, c.RequiredProductIds),
            c.PublishAt, c.PublishAt > now, c.Author)).ToList();
    }

    public async Task<ContentDraft?> GetContentAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.ContentItems.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
            return null;
        return new ContentDraft
        {
            Id = c.Id,
            Kind = c.Kind,
            Title = c.Title,
            Slug = c.Slug,
            Teaser = c.Teaser,
            BodyMarkdown = c.BodyMarkdown,
            CoverImageUrl = c.CoverImageUrl,
            VideoEmbedUrl = c.VideoEmbedUrl,
            FileId = c.FileId,
            FileName = await FileNameAsync(db, c.FileId, ct),
            PublishAt = c.PublishAt,
            Author = c.Author,
            Access = c.Access,
            RequiredProductIds = [.. c.RequiredProductIds],
        };
    }

    // ---- Courses --------------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<CourseRow>> ListCoursesAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var courses = await db.Courses.AsNoTracking().OrderBy(c => c.Title).ToListAsync(ct);
        var modules = await db.CourseModules.GroupBy(m => m.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var lessons = await db.Lessons.GroupBy(l => l.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var names = await ProductNamesAsync(db, ct);
        return courses.Select(c => new CourseRow(c.Id, c.Title, c.Slug, c.Access, Names(names, c.Access, c.RequiredProductIds), c.PublishAt, c.PublishAt > now,
            modules.GetValueOrDefault(c.Id), lessons.GetValueOrDefault(c.Id))).ToList();
    }

    public async Task<CourseOutline?> GetCourseAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Courses.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
            return null;
        var modules = await db.CourseModules.AsNoTracking().Where(m => m.CourseId == id).OrderBy(m => m.Position).ToListAsync(ct);
        var lessons = await db.Lessons.AsNoTracking().Where(l => l.CourseId == id).OrderBy(l => l.Position).ToListAsync(ct);
        var details = new CourseDraft
        {
            Id = c.Id,
            Title = c.Title,
            Slug = c.Slug,
            Teaser = c.Teaser,
            DescriptionMarkdown = c.DescriptionMarkdown,
            CoverImageUrl = c.CoverImageUrl,
            PublishAt = c.PublishAt,
            Access = c.Access,
            RequiredProductIds = [.. c.RequiredProductIds],
        };
        return new CourseOutline(details, modules.Select(m => new ModuleOutline(m.Id, m.Title, m.Position, lessons.Where(l => l.ModuleId == m.Id)
            .Select(l => new LessonOutline(l.Id, l.ModuleId, l.Title, l.Slug, l.Position, l.DripDays, l.DripDate, l.VideoEmbedUrl is not null, l.FileId is not null))
            .ToList())).ToList());
    }

    /// <summary>The currency a new course's price is in: the business's reporting currency (set up at /setup), else USD.</summary>
    public async Task<string> SaleCurrencyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var currency = await db.Settings.AsNoTracking().Where(x => x.Key == Infrastructure.Settings.SettingKeys.ReportingCurrency).Select(x => x.Value).FirstOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(currency) ? "USD" : currency.Trim().ToUpperInvariant();
    }

    // ---- Lessons --------------------------------------------------------------------------------------------------

    public async Task<LessonDraft?> GetLessonAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var l = await db.Lessons.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (l is null)
            return null;
        return new LessonDraft
        {
            Id = l.Id,
            CourseId = l.CourseId,
            ModuleId = l.ModuleId,
            Title = l.Title,
            Slug = l.Slug,
            BodyMarkdown = l.BodyMarkdown,
            VideoEmbedUrl = l.VideoEmbedUrl,
            FileId = l.FileId,
            FileName = await FileNameAsync(db, l.FileId, ct),
            DripDays = l.DripDays,
            DripDate = l.DripDate,
        };
    }

    private static Task<Dictionary<Guid, string>> ProductNamesAsync(AppDbContext db, CancellationToken ct) =>
        db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);

    private static IReadOnlyList<string> Names(Dictionary<Guid, string> names, AccessLevel level, List<Guid> ids) =>
        level == AccessLevel.Products ? ids.Select(id => names.GetValueOrDefault(id, "(deleted product)")).ToList() : [];

    private static async Task<string?> FileNameAsync(AppDbContext db, Guid? fileId, CancellationToken ct) =>
        fileId is { } id ? await db.StoredFiles.Where(f => f.Id == id).Select(f => f.FileName).FirstOrDefaultAsync(ct) : null;
}
