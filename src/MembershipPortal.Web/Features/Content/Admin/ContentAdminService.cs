using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Shared;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>
/// What Owner and Staff do in /admin/content and /admin/courses: write items, courses, modules and lessons, and take
/// uploads. Every write validates first and either saves everything in one SaveChanges or nothing, returning the
/// reasons. Callers are the admin pages, which require the Admin policy. Each change writes one audit entry in the
/// same save.
/// </summary>
public sealed class ContentAdminService(IDbContextFactory<AppDbContext> dbFactory, FileStore files, TimeProvider clock, AuditLog audit, CurrentActor actor)
{
    public const int TitleMax = 200, TeaserMax = 1000, BodyMax = 200_000, DescriptionMax = 50_000, UrlMax = 500, AuthorMax = 120, DripDaysMax = 3650;

    public long MaxUploadBytes => files.MaxBytes;

    public static IEnumerable<string> AllowedUploadTypes => FileStore.AllowedTypes.Keys;

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
        return name.Length == 0 ? null : name[..Math.Min(name.Length, AuthorMax)];
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

    public async Task<AdminResult> SaveContentAsync(ContentDraft draft, CancellationToken ct = default)
    {
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

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await CheckAccessAsync(db, draft.Access, draft.RequiredProductIds, errors, ct);
        if (draft.FileId is { } fileId && !await db.StoredFiles.AnyAsync(f => f.Id == fileId, ct))
            errors.Add("The attached file no longer exists; upload it again.");
        if (slug.Length > 0 && await db.ContentItems.AnyAsync(c => c.Slug == slug && c.Id != id, ct))
            errors.Add(SlugTaken(slug, "item"));
        if (errors.Count > 0)
            return AdminResult.Fail(errors);

        var now = clock.GetUtcNow();
        ContentItem? item;
        if (draft.Id is null)
        {
            item = new ContentItem { Title = title, Slug = slug, CreatedAt = now };
            db.ContentItems.Add(item);
        }
        else if ((item = await db.ContentItems.FirstOrDefaultAsync(c => c.Id == id, ct)) is null)
        {
            return AdminResult.Fail("This item was deleted by someone else; nothing was saved.");
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
        item.UpdatedAt = now;
        await AuditAsync(db, draft.Id is null ? "content.create" : "content.update", $"{(draft.Id is null ? "Created" : "Updated")} {draft.Kind.ToString().ToLowerInvariant()} “{title}” (/content/{slug})", "content", item.Id);
        return await SaveAsync(db, item.Id, SlugTaken(slug, "item"), ct);
    }

    public async Task<bool> DeleteContentAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.ContentItems.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (item is null)
            return false;
        db.ContentItems.Remove(item);
        await AuditAsync(db, "content.delete", $"Deleted “{item.Title}” (/content/{item.Slug})", "content", id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Stores an upload through <see cref="FileStore"/>, which enforces the type allow-list and counts the bytes that
    /// actually arrive. The browser's declared size is checked first so an oversized file is refused before it is sent.
    /// </summary>
    public async Task<UploadResult> UploadAsync(IBrowserFile file, CancellationToken ct = default)
    {
        if (file.Size > files.MaxBytes)
            return new UploadResult(null, null, 0, $"“{file.Name}” is {FormatSize(file.Size)}; uploads can be at most {FormatSize(files.MaxBytes)}.");
        try
        {
            await using var stream = file.OpenReadStream(maxAllowedSize: files.MaxBytes, ct);
            var (stored, error) = await files.SaveAsync(stream, file.Name, ct);
            if (stored is null)
                return new UploadResult(null, null, 0, error);
            await audit.RecordAsync(await actor.GetAsync(), "file.upload", $"Uploaded “{stored.FileName}” ({FileStore.SizeText(stored.Length)})", "file", stored.Id.ToString(), ct: ct);
            return new UploadResult(stored.Id, stored.FileName, stored.Length, null);
        }
        catch (IOException)
        {
            return new UploadResult(null, null, 0, "The upload was interrupted or larger than allowed; nothing was stored. Try again.");
        }
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024d * 1024 * 1024):0.#} GB",
        >= 1024L * 1024 => $"{bytes / (1024d * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024d:0.#} KB",
        _ => $"{bytes} bytes",
    };

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

    public async Task<AdminResult> SaveCourseAsync(CourseDraft draft, CancellationToken ct = default)
    {
        var errors = new List<string>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var values = await CheckCourseAsync(db, draft, errors, ct);
        var products = await CheckAccessAsync(db, draft.Access, draft.RequiredProductIds, errors, ct);
        if (errors.Count > 0)
            return AdminResult.Fail(errors);

        Course? course;
        if (draft.Id is null)
        {
            course = new Course { Title = values.Title, Slug = values.Slug, CreatedAt = clock.GetUtcNow() };
            db.Courses.Add(course);
        }
        else if ((course = await db.Courses.FirstOrDefaultAsync(c => c.Id == draft.Id, ct)) is null)
        {
            return AdminResult.Fail("This course was deleted by someone else; nothing was saved.");
        }
        Apply(course, values, draft.Access, products);
        await AuditAsync(db, draft.Id is null ? "course.create" : "course.update",
            $"{(draft.Id is null ? "Created" : "Updated")} course “{values.Title}” (/courses/{values.Slug})", "course", course.Id);
        return await SaveAsync(db, course.Id, SlugTaken(values.Slug, "course"), ct);
    }

    /// <summary>
    /// A new course and the product that sells it, in one step and one save: a course product of the same name and slug
    /// with <paramref name="price"/>, visible on the pricing page, and the course opened to holders of that product.
    /// Either all three are written or, with a clear message per problem, none.
    /// </summary>
    public async Task<AdminResult> CreateCourseForSaleAsync(CourseDraft draft, PriceInput price, CancellationToken ct = default)
    {
        if (draft.Id is not null)
            return AdminResult.Fail("Only a new course is created together with its product.");
        var errors = new List<string>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var values = await CheckCourseAsync(db, draft, errors, ct);
        string? priceError = null;
        var terms = price.Amount <= 0 ? null : CatalogRules.TryTerms(price, oneTime: false, out priceError);
        if (price.Amount <= 0)
            errors.Add("Give the course a price above zero to sell it, or turn selling off and choose who can open it.");
        else if (terms is null)
            errors.Add(priceError ?? "That price cannot be used.");
        if (values.Slug.Length > 0 && await db.Products.AnyAsync(p => p.Slug == values.Slug, ct))
            errors.Add($"A product already uses the slug “{values.Slug}”: change the course's slug, or sell it through that product.");
        if (errors.Count > 0 || terms is null)
            return AdminResult.Fail(errors);

        var now = clock.GetUtcNow();
        var product = new Product
        {
            Kind = ProductKind.Course,
            Name = values.Title,
            Slug = values.Slug,
            DescriptionMarkdown = values.Teaser.Length > 0 ? values.Teaser : values.Description,
            ImageUrl = values.Cover,
            IsVisible = true,
            CreatedAt = now,
        };
        db.Products.Add(product);
        var catalogPrice = CatalogPrice.Create(product.Id, terms);
        db.Prices.Add(catalogPrice);
        var course = new Course { Title = values.Title, Slug = values.Slug, CreatedAt = now };
        db.Courses.Add(course);
        Apply(course, values, AccessLevel.Products, [product.Id]);
        await AuditAsync(db, "catalog.product.create", $"Created course product “{values.Title}” (/products/{values.Slug}) to sell a course", "product", product.Id);
        await AuditAsync(db, "catalog.price.add", $"Added price {terms.Amount.Display()} to “{values.Title}”", "product", product.Id);
        await AuditAsync(db, "course.create", $"Created course “{values.Title}” (/courses/{values.Slug}), sold by its own product", "course", course.Id);
        return await SaveAsync(db, course.Id, SlugTaken(values.Slug, "course or product"), ct);
    }

    /// <summary>The currency a new course's price is in: the business's reporting currency (set up at /setup), else USD.</summary>
    public async Task<string> SaleCurrencyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var currency = await db.Settings.AsNoTracking().Where(x => x.Key == Infrastructure.Settings.SettingKeys.ReportingCurrency).Select(x => x.Value).FirstOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(currency) ? "USD" : currency.Trim().ToUpperInvariant();
    }

    private sealed record CourseValues(string Title, string Slug, string Teaser, string Description, string? Cover, DateTimeOffset PublishAt);

    /// <summary>The course form's own fields, checked; problems are added to <paramref name="errors"/>.</summary>
    private static async Task<CourseValues> CheckCourseAsync(AppDbContext db, CourseDraft draft, List<string> errors, CancellationToken ct)
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

    private static void Apply(Course course, CourseValues values, AccessLevel access, List<Guid> products)
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

    /// <summary>Deletes a course with its modules and lessons; members' enrolments and completions go with it (cascade).</summary>
    public async Task<bool> DeleteCourseAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await db.Courses.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null)
            return false;
        db.Lessons.RemoveRange(await db.Lessons.Where(l => l.CourseId == id).ToListAsync(ct));
        db.CourseModules.RemoveRange(await db.CourseModules.Where(m => m.CourseId == id).ToListAsync(ct));
        db.Courses.Remove(course);
        await AuditAsync(db, "course.delete", $"Deleted course “{course.Title}” with its modules and lessons", "course", id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- Modules --------------------------------------------------------------------------------------------------

    public async Task<AdminResult> AddModuleAsync(Guid courseId, string title, CancellationToken ct = default)
    {
        var errors = new List<string>();
        var name = Required(title, "module title", TitleMax, errors);
        if (errors.Count > 0)
            return AdminResult.Fail(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Courses.AnyAsync(c => c.Id == courseId, ct))
            return AdminResult.Fail("The course no longer exists.");
        var module = new CourseModule { CourseId = courseId, Title = name, Position = await db.CourseModules.CountAsync(m => m.CourseId == courseId, ct) };
        db.CourseModules.Add(module);
        await AuditAsync(db, "course.module.add", $"Added module “{name}”", "course", courseId);
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(module.Id);
    }

    public async Task<AdminResult> RenameModuleAsync(Guid moduleId, string title, CancellationToken ct = default)
    {
        var errors = new List<string>();
        var name = Required(title, "module title", TitleMax, errors);
        if (errors.Count > 0)
            return AdminResult.Fail(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var module = await db.CourseModules.FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        if (module is null)
            return AdminResult.Fail("The module no longer exists.");
        if (module.Title == name)
            return AdminResult.Ok(module.Id);
        await AuditAsync(db, "course.module.rename", "Renamed a module", "course", module.CourseId, module.Title, name);
        module.Title = name;
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(module.Id);
    }

    /// <summary>Deletes a module and its lessons; the remaining modules are renumbered in the same save.</summary>
    public async Task<AdminResult> DeleteModuleAsync(Guid moduleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var module = await db.CourseModules.FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        if (module is null)
            return AdminResult.Fail("The module no longer exists.");
        var siblings = await db.CourseModules.Where(m => m.CourseId == module.CourseId).OrderBy(m => m.Position).ToListAsync(ct);
        siblings.RemoveAll(m => m.Id == moduleId);
        Renumber(siblings, (m, i) => m.Position = i);
        db.Lessons.RemoveRange(await db.Lessons.Where(l => l.ModuleId == moduleId).ToListAsync(ct));
        db.CourseModules.Remove(module);
        await AuditAsync(db, "course.module.delete", $"Deleted module “{module.Title}” and its lessons", "course", module.CourseId);
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(module.CourseId);
    }

    /// <summary>Moves a module to an index (clamped) among its course's modules; all positions become 0..n-1.</summary>
    public async Task<AdminResult> MoveModuleAsync(Guid moduleId, int index, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var module = await db.CourseModules.FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        if (module is null)
            return AdminResult.Fail("The module no longer exists.");
        var modules = await db.CourseModules.Where(m => m.CourseId == module.CourseId).OrderBy(m => m.Position).ToListAsync(ct);
        modules.RemoveAll(m => m.Id == moduleId);
        modules.Insert(Math.Clamp(index, 0, modules.Count), module);
        var from = module.Position;
        Renumber(modules, (m, i) => m.Position = i);
        if (module.Position != from)
            await AuditAsync(db, "course.module.move", $"Moved module “{module.Title}”", "course", module.CourseId, $"position {from + 1}", $"position {module.Position + 1}");
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(module.Id);
    }

    public async Task<AdminResult> StepModuleAsync(Guid moduleId, int direction, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var module = await db.CourseModules.AsNoTracking().FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        if (module is null)
            return AdminResult.Fail("The module no longer exists.");
        var index = await db.CourseModules.CountAsync(m => m.CourseId == module.CourseId && m.Position < module.Position, ct);
        return await MoveModuleAsync(moduleId, index + Math.Sign(direction), ct);
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

    /// <summary>Creates a lesson at the end of its module, or updates one; a lesson given a new module moves to that module's end.</summary>
    public async Task<AdminResult> SaveLessonAsync(LessonDraft draft, CancellationToken ct = default)
    {
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

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var module = await db.CourseModules.AsNoTracking().FirstOrDefaultAsync(m => m.Id == draft.ModuleId, ct);
        if (module is null)
        {
            errors.Insert(0, "Choose a module for the lesson.");
            return AdminResult.Fail(errors);
        }
        var courseId = module.CourseId;
        if (draft.FileId is { } fileId && !await db.StoredFiles.AnyAsync(f => f.Id == fileId, ct))
            errors.Add("The attached file no longer exists; upload it again.");
        if (slug.Length > 0 && await db.Lessons.AnyAsync(l => l.CourseId == courseId && l.Slug == slug && l.Id != id, ct))
            errors.Add($"Another lesson in this course already uses the slug “{slug}”. Choose a different one.");
        if (errors.Count > 0)
            return AdminResult.Fail(errors);

        Lesson? lesson;
        if (draft.Id is null)
        {
            lesson = new Lesson { CourseId = courseId, ModuleId = module.Id, Title = title, Slug = slug, Position = await db.Lessons.CountAsync(l => l.ModuleId == module.Id, ct) };
            db.Lessons.Add(lesson);
        }
        else if ((lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == id, ct)) is null)
        {
            return AdminResult.Fail("This lesson was deleted by someone else; nothing was saved.");
        }
        else if (lesson.CourseId != courseId)
        {
            return AdminResult.Fail("A lesson can only move between modules of its own course.");
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
        await AuditAsync(db, draft.Id is null ? "lesson.create" : "lesson.update", $"{(draft.Id is null ? "Created" : "Updated")} lesson “{title}”", "course", lesson.CourseId);
        return await SaveAsync(db, lesson.Id, $"Another lesson in this course already uses the slug “{slug}”. Choose a different one.", ct);
    }

    public async Task<AdminResult> DeleteLessonAsync(Guid lessonId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == lessonId, ct);
        if (lesson is null)
            return AdminResult.Fail("The lesson no longer exists.");
        var siblings = await db.Lessons.Where(l => l.ModuleId == lesson.ModuleId && l.Id != lessonId).OrderBy(l => l.Position).ToListAsync(ct);
        Renumber(siblings, (l, i) => l.Position = i);
        db.Lessons.Remove(lesson);
        await AuditAsync(db, "lesson.delete", $"Deleted lesson “{lesson.Title}”", "course", lesson.CourseId);
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(lesson.CourseId);
    }

    /// <summary>
    /// Puts a lesson at an index (clamped) in a module of the same course, its own or another. The source and target
    /// modules are both renumbered 0..n-1 in one save, so positions never have gaps or duplicates.
    /// </summary>
    public async Task<AdminResult> MoveLessonAsync(Guid lessonId, Guid targetModuleId, int index, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lesson = await db.Lessons.FirstOrDefaultAsync(l => l.Id == lessonId, ct);
        if (lesson is null)
            return AdminResult.Fail("The lesson no longer exists.");
        if (!await db.CourseModules.AnyAsync(m => m.Id == targetModuleId && m.CourseId == lesson.CourseId, ct))
            return AdminResult.Fail("A lesson can only move between modules of its own course.");
        var source = await db.Lessons.Where(l => l.ModuleId == lesson.ModuleId && l.Id != lessonId).OrderBy(l => l.Position).ToListAsync(ct);
        var target = targetModuleId == lesson.ModuleId
            ? source
            : await db.Lessons.Where(l => l.ModuleId == targetModuleId).OrderBy(l => l.Position).ToListAsync(ct);
        Renumber(source, (l, i) => l.Position = i);
        target.Insert(Math.Clamp(index, 0, target.Count), lesson);
        var (fromModule, fromPosition) = (lesson.ModuleId, lesson.Position);
        lesson.ModuleId = targetModuleId;
        Renumber(target, (l, i) => l.Position = i);
        if (lesson.ModuleId != fromModule || lesson.Position != fromPosition)
            await AuditAsync(db, "lesson.move", $"Moved lesson “{lesson.Title}”", "course", lesson.CourseId,
                fromModule == targetModuleId ? $"position {fromPosition + 1}" : $"another module, position {fromPosition + 1}", $"position {lesson.Position + 1}");
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok(lesson.Id);
    }

    /// <summary>One step up or down in reading order: past the top or bottom of a module it crosses into the neighbouring module.</summary>
    public async Task<AdminResult> StepLessonAsync(Guid lessonId, int direction, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lesson = await db.Lessons.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lessonId, ct);
        if (lesson is null)
            return AdminResult.Fail("The lesson no longer exists.");
        var modules = await db.CourseModules.AsNoTracking().Where(m => m.CourseId == lesson.CourseId).OrderBy(m => m.Position).Select(m => m.Id).ToListAsync(ct);
        var inModule = await db.Lessons.AsNoTracking().Where(l => l.ModuleId == lesson.ModuleId).OrderBy(l => l.Position).Select(l => l.Id).ToListAsync(ct);
        var index = inModule.IndexOf(lessonId);
        var moduleIndex = modules.IndexOf(lesson.ModuleId);
        if (direction < 0)
        {
            if (index > 0)
                return await MoveLessonAsync(lessonId, lesson.ModuleId, index - 1, ct);
            return moduleIndex > 0 ? await MoveLessonAsync(lessonId, modules[moduleIndex - 1], int.MaxValue, ct) : AdminResult.Ok(lessonId);
        }
        if (index < inModule.Count - 1)
            return await MoveLessonAsync(lessonId, lesson.ModuleId, index + 1, ct);
        return moduleIndex < modules.Count - 1 ? await MoveLessonAsync(lessonId, modules[moduleIndex + 1], 0, ct) : AdminResult.Ok(lessonId);
    }

    // ---- Validation helpers ---------------------------------------------------------------------------------------

    private static string Required(string? value, string field, int max, List<string> errors)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
            errors.Add($"The {field} is required.");
        else if (text.Length > max)
            errors.Add($"The {field} can be at most {max} characters (it has {text.Length}).");
        return text;
    }

    private static string? Optional(string? value, string field, int max, List<string> errors)
    {
        var text = (value ?? "").Trim();
        if (text.Length > max)
            errors.Add($"The {field} can be at most {max} characters (it has {text.Length}).");
        return text.Length == 0 ? null : text;
    }

    private static string CheckSlug(string? value, List<string> errors)
    {
        var slug = (value ?? "").Trim();
        if (slug.Length == 0)
            errors.Add("The slug is required: it is the item's address, for example “knitting-basics”.");
        else if (!Slugs.IsValid(slug))
        {
            var suggestion = Slugs.From(slug);
            errors.Add($"The slug may only use lower-case letters, digits and single dashes between them (at most {Slugs.MaxLength} characters), for example “{(suggestion.Length > 0 ? suggestion : "knitting-basics")}”.");
        }
        return Slugs.IsValid(slug) ? slug : "";
    }

    private static string SlugTaken(string slug, string what) => $"Another {what} already uses the slug “{slug}”. Choose a different one.";

    private static string? CheckVideoUrl(string? value, List<string> errors)
    {
        var url = (value ?? "").Trim();
        if (url.Length == 0)
            return null;
        if (url.Length > UrlMax || !VideoEmbeds.IsAllowed(url))
            errors.Add($"Video embeds must be https player addresses from {string.Join(" or ", VideoEmbeds.AllowedHosts)} (for example https://www.youtube-nocookie.com/embed/VIDEO_ID or https://player.vimeo.com/video/123456). To show another video, upload the file instead.");
        return url;
    }

    /// <summary>A cover is an https address or a path on this site (such as /files/{id}); anything else, javascript: included, is refused.</summary>
    private static string? CheckCoverUrl(string? value, List<string> errors)
    {
        var url = (value ?? "").Trim();
        if (url.Length == 0)
            return null;
        var sitePath = url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\');
        var https = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
        if (url.Length > UrlMax || !(sitePath || https))
            errors.Add("The cover image must be an https:// address or a path on this site starting with /.");
        return url;
    }

    private static DateTimeOffset CheckPublishAt(DateTimeOffset value, List<string> errors)
    {
        if (value == default)
            errors.Add("Choose a publish date.");
        return value.ToUniversalTime();
    }

    private static async Task<List<Guid>> CheckAccessAsync(AppDbContext db, AccessLevel level, IEnumerable<Guid>? productIds, List<string> errors, CancellationToken ct)
    {
        if (!Enum.IsDefined(level))
        { errors.Add("Choose who can open this."); return []; }
        if (level != AccessLevel.Products)
            return [];
        var ids = (productIds ?? []).Distinct().ToList();
        if (ids.Count == 0)
        { errors.Add("Choose at least one product or add-on that unlocks this, or make it open to all members."); return ids; }
        if (await db.Products.CountAsync(p => ids.Contains(p.Id), ct) != ids.Count)
            errors.Add("One of the chosen products no longer exists; choose again.");
        return ids;
    }

    private async Task AuditAsync(AppDbContext db, string action, string summary, string targetType, Guid targetId, string? before = null, string? after = null) =>
        audit.Add(db, await actor.GetAsync(), action, summary, targetType, targetId.ToString(), before, after);

    private static async Task<AdminResult> SaveAsync(AppDbContext db, Guid id, string conflictMessage, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok(id);
        }
        catch (DbUpdateException)
        {
            // Two editors saving the same slug at once: the unique index decides, and the loser hears why.
            return AdminResult.Fail(conflictMessage);
        }
    }

    private static void Renumber<T>(List<T> items, Action<T, int> setPosition)
    {
        for (var i = 0; i < items.Count; i++)
            setPosition(items[i], i);
    }

    private static Task<Dictionary<Guid, string>> ProductNamesAsync(AppDbContext db, CancellationToken ct) =>
        db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);

    private static IReadOnlyList<string> Names(Dictionary<Guid, string> names, AccessLevel level, List<Guid> ids) =>
        level == AccessLevel.Products ? ids.Select(id => names.GetValueOrDefault(id, "(deleted product)")).ToList() : [];

    private static async Task<string?> FileNameAsync(AppDbContext db, Guid? fileId, CancellationToken ct) =>
        fileId is { } id ? await db.StoredFiles.Where(f => f.Id == id).Select(f => f.FileName).FirstOrDefaultAsync(ct) : null;
}
