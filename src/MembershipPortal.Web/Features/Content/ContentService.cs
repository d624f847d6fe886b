using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Courses;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content;

/// <summary>
/// Reads content, courses and lessons for one asker, deciding access for every item on every call. Locked items come
/// back with their teaser and a paywall offer, never their body, video or file.
/// </summary>
public sealed class ContentService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int SearchMax = 100;

    /// <summary>
    /// Published items, newest first, optionally searched and narrowed to one kind. Titles and teasers are public (they
    /// are on the paywall too), so they always match; an item's body matches only for a member who may open it, or a
    /// search would reveal what locked items say.
    /// </summary>
    public async Task<IReadOnlyList<ContentCard>> ListAsync(MemberAccess access, string? search = null, ContentKind? kind = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ContentItems.AsNoTracking().Where(c => c.PublishAt <= now);
        if (kind is { } k)
            query = query.Where(c => c.Kind == k);
        var text = (search ?? "").Trim();
        if (text.Length > SearchMax)
            text = text[..SearchMax];
        if (text.Length == 0)
        {
            var items = await query.OrderByDescending(c => c.PublishAt).Take(200).ToListAsync(ct);
            return items.Select(c => Card(c, access.Decide(AccessService.RuleFor(c.Access, c.RequiredProductIds), now), c.Teaser)).ToList();
        }

        var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var hits = await query
            .Where(c => EF.Functions.Like(c.Title, pattern, "\\") || EF.Functions.Like(c.Teaser, pattern, "\\") || EF.Functions.Like(c.BodyMarkdown, pattern, "\\"))
            .OrderByDescending(c => c.PublishAt).Take(200)
            .Select(c => new { Item = c, Visible = EF.Functions.Like(c.Title, pattern, "\\") || EF.Functions.Like(c.Teaser, pattern, "\\") })
            .ToListAsync(ct);
        return hits
            .Select(h => (h.Item, h.Visible, Decision: access.Decide(AccessService.RuleFor(h.Item.Access, h.Item.RequiredProductIds), now)))
            .Where(h => h.Visible || h.Decision.Allowed)
            .Select(h => Card(h.Item, h.Decision, h.Item.Teaser))
            .ToList();
    }

    private static ContentCard Card(ContentItem c, AccessDecision decision, string teaser) =>
        new(c.Id, c.Kind, c.Title, c.Slug, teaser, c.CoverImageUrl, c.PublishAt, decision);

    public async Task<ContentView?> GetAsync(string slug, MemberAccess access, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.ContentItems.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == slug, ct);
        // Scheduled items do not exist yet for members; staff preview them.
        if (item is null || (item.PublishAt > now && !access.IsStaff))
            return null;
        var decision = access.Decide(AccessService.RuleFor(item.Access, item.RequiredProductIds), now);
        if (!decision.Allowed)
            return new ContentView(item.Id, item.Kind, item.Title, item.Teaser, item.CoverImageUrl, item.PublishAt, item.Author, decision,
                null, null, null, null, await OfferAsync(db, item.Access, item.RequiredProductIds, access, ct));
        var fileName = item.FileId is { } fid ? await db.StoredFiles.Where(f => f.Id == fid).Select(f => f.FileName).FirstOrDefaultAsync(ct) : null;
        return new ContentView(item.Id, item.Kind, item.Title, item.Teaser, item.CoverImageUrl, item.PublishAt, item.Author, decision,
            item.BodyMarkdown, VideoEmbeds.IsAllowed(item.VideoEmbedUrl) ? item.VideoEmbedUrl : null, item.FileId, fileName, null);
    }

    public async Task<IReadOnlyList<CourseCard>> CoursesAsync(MemberAccess access, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var courses = await db.Courses.AsNoTracking().Where(c => c.PublishAt <= now).OrderBy(c => c.Title).ToListAsync(ct);
        var lessonCounts = await db.Lessons.GroupBy(l => l.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var done = access.MemberId is null ? [] : await db.LessonCompletions.Where(c => c.MemberId == access.MemberId)
            .GroupBy(c => c.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var enrolled = access.MemberId is null ? [] : await db.Enrollments.Where(e => e.MemberId == access.MemberId).Select(e => e.CourseId).ToListAsync(ct);
        return courses.Select(c => new CourseCard(c.Id, c.Title, c.Slug, c.Teaser, c.CoverImageUrl,
            access.Decide(AccessService.RuleFor(c.Access, c.RequiredProductIds), now),
            new CourseProgress(done.GetValueOrDefault(c.Id), lessonCounts.GetValueOrDefault(c.Id)), enrolled.Contains(c.Id))).ToList();
    }

    public async Task<CourseView?> CourseAsync(string slug, MemberAccess access, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == slug, ct);
        if (course is null || (course.PublishAt > now && !access.IsStaff))
            return null;
        var rule = AccessService.RuleFor(course.Access, course.RequiredProductIds);
        var decision = access.Decide(rule, now);
        var enrollment = decision.Allowed && access.MemberId is not null ? await EnrollAsync(db, course.Id, access.MemberId, now, ct) : null;
        var (modules, lessons) = await OutlineAsync(db, course.Id, ct);
        var completed = await CompletedAsync(db, course.Id, access.MemberId, ct);

        var moduleViews = modules.Select(m => new ModuleView(m.Title, lessons.Where(l => l.ModuleId == m.Id).Select(l =>
        {
            var drip = new DripSchedule(l.DripDays, l.DripDate);
            var lessonDecision = access.IsStaff ? decision : LessonAccess.Decide(rule, access.Context, drip, enrollment?.EnrolledAt, now);
            return new LessonRow(l.Id, l.Title, l.Slug, completed.Contains(l.Id), lessonDecision.Allowed,
                lessonDecision.Reason == AccessReason.NotYetDripped ? drip.OpensAt(enrollment?.EnrolledAt ?? now) : null);
        }).ToList())).ToList();

        var progress = new CourseProgress(lessons.Count(l => completed.Contains(l.Id)), lessons.Count);
        // Continue at the last lesson visited unless it is done; then at the first open lesson not yet done.
        var rows = moduleViews.SelectMany(m => m.Lessons).ToList();
        var continueSlug = enrollment?.LastLessonId is { } last && rows.FirstOrDefault(l => l.Id == last) is { Completed: false } lastLesson
            ? lastLesson.Slug
            : rows.FirstOrDefault(l => !l.Completed && l.Open)?.Slug;
        var offer = decision.Allowed ? null : await OfferAsync(db, course.Access, course.RequiredProductIds, access, ct);
        return new CourseView(course.Id, course.Title, course.Slug, course.Teaser, course.DescriptionMarkdown, course.CoverImageUrl, decision,
            offer, moduleViews, progress, decision.Allowed ? continueSlug : null, enrollment?.CompletedAt);
    }

    public async Task<LessonView?> LessonAsync(string courseSlug, string lessonSlug, MemberAccess access, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == courseSlug, ct);
        if (course is null || (course.PublishAt > now && !access.IsStaff))
            return null;
        var lessons = await ReadingOrderAsync(db, course.Id, lessonSlug, ct);
        var index = lessons.FindIndex(l => l.Slug == lessonSlug);
        if (index < 0)
            return null;
        var lesson = lessons[index];
        var rule = AccessService.RuleFor(course.Access, course.RequiredProductIds);
        var drip = new DripSchedule(lesson.DripDays, lesson.DripDate);
        var courseDecision = access.Decide(rule, now);
        var (enrollment, completed) = courseDecision.Allowed && access.MemberId is not null
            ? await EnrollWithCompletionsAsync(db, course.Id, access.MemberId, now, ct)
            : (null, await CompletedAsync(db, course.Id, access.MemberId, ct));
        var decision = access.IsStaff ? courseDecision : LessonAccess.Decide(rule, access.Context, drip, enrollment?.EnrolledAt, now);
        var progress = new CourseProgress(lessons.Count(l => completed.Contains(l.Id)), lessons.Count);
        var previous = index > 0 ? lessons[index - 1].Slug : null;
        var next = index < lessons.Count - 1 ? lessons[index + 1].Slug : null;

        if (!decision.Allowed)
        {
            var offer = decision.Reason == AccessReason.NotYetDripped ? null : await OfferAsync(db, course.Access, course.RequiredProductIds, access, ct);
            return new LessonView(lesson.Id, course.Title, course.Slug, lesson.Title, lesson.Slug, decision,
                decision.Reason == AccessReason.NotYetDripped ? drip.OpensAt(enrollment?.EnrolledAt ?? now) : null,
                null, null, null, null, completed.Contains(lesson.Id), progress, previous, next, offer);
        }
        // Remember the lesson for "continue where you left off"; no write when it is already the last one.
        if (enrollment is not null && enrollment.LastLessonId != lesson.Id)
        {
            await db.Enrollments.Where(e => e.CourseId == course.Id && e.MemberId == enrollment.MemberId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LastLessonId, lesson.Id).SetProperty(e => e.LastVisitedAt, now), ct);
        }
        var fileName = lesson.FileId is { } fid ? await db.StoredFiles.Where(f => f.Id == fid).Select(f => f.FileName).FirstOrDefaultAsync(ct) : null;
        return new LessonView(lesson.Id, course.Title, course.Slug, lesson.Title, lesson.Slug, decision, null, lesson.BodyMarkdown,
            VideoEmbeds.IsAllowed(lesson.VideoEmbedUrl) ? lesson.VideoEmbedUrl : null, lesson.FileId, fileName,
            completed.Contains(lesson.Id), progress, previous, next, null);
    }

    /// <summary>Marks a lesson complete (once), after checking the member may open it; completes the course when it was the last.</summary>
    public async Task<CourseProgress?> CompleteLessonAsync(string courseSlug, string lessonSlug, MemberAccess access, CancellationToken ct = default)
    {
        if (access.MemberId is null)
            return null;
        var view = await LessonAsync(courseSlug, lessonSlug, access, ct);
        if (view is null || !view.Decision.Allowed)
            return null;
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var courseId = await db.Lessons.Where(l => l.Id == view.Id).Select(l => l.CourseId).SingleAsync(ct);
        if (!await db.LessonCompletions.AnyAsync(c => c.LessonId == view.Id && c.MemberId == access.MemberId, ct))
        {
            db.LessonCompletions.Add(new LessonCompletion { LessonId = view.Id, MemberId = access.MemberId, CourseId = courseId, CompletedAt = now });
            try
            { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); } // completed twice at once: the first one stands
        }
        var total = await db.Lessons.CountAsync(l => l.CourseId == courseId, ct);
        var done = await db.LessonCompletions.CountAsync(c => c.CourseId == courseId && c.MemberId == access.MemberId, ct);
        var progress = new CourseProgress(done, total);
        if (progress.IsComplete)
            await db.Enrollments.Where(e => e.CourseId == courseId && e.MemberId == access.MemberId && e.CompletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.CompletedAt, now), ct);
        return progress;
    }

    /// <summary>Lessons that open for this member in the coming weeks (drip), for the member home.</summary>
    public async Task<IReadOnlyList<UpcomingLesson>> UpcomingAsync(MemberAccess access, CancellationToken ct = default)
    {
        if (access.MemberId is null)
            return [];
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enrollments = await db.Enrollments.AsNoTracking().Where(e => e.MemberId == access.MemberId).ToListAsync(ct);
        var courseIds = enrollments.Select(e => e.CourseId).ToList();
        var courses = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var lessons = await db.Lessons.AsNoTracking().Where(l => courseIds.Contains(l.CourseId) && (l.DripDays != null || l.DripDate != null)).ToListAsync(ct);
        return lessons.Select(l => (Lesson: l, Opens: new DripSchedule(l.DripDays, l.DripDate).OpensAt(enrollments.First(e => e.CourseId == l.CourseId).EnrolledAt)))
            .Where(x => x.Opens > now)
            .OrderBy(x => x.Opens)
            .Take(10)
            .Select(x => new UpcomingLesson(courses[x.Lesson.CourseId].Title, courses[x.Lesson.CourseId].Slug, x.Lesson.Title, x.Opens!.Value))
            .ToList();
    }

    /// <summary>The file and whether the asker may have it: allowed when any published item or lesson using it is open to them, or it is the picture of a box they subscribe to.</summary>
    public async Task<(StoredFile? File, bool Allowed)> FileAsync(Guid fileId, MemberAccess access, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var file = await db.StoredFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, ct);
        if (file is null)
            return (null, false);
        if (access.IsStaff)
            return (file, true);
        // A picture a public page shows (a visible product's image, a published course's or item's cover) is for everyone.
        var url = ImageUploads.UrlFor(fileId);
        if (file.ContentType.StartsWith("image/", StringComparison.Ordinal)
            && (await db.Products.AnyAsync(p => p.IsVisible && p.ImageUrl == url, ct)
                || await db.Courses.AnyAsync(c => c.PublishAt <= now && c.CoverImageUrl == url, ct)
                || await db.ContentItems.AnyAsync(c => c.PublishAt <= now && c.CoverImageUrl == url, ct)))
            return (file, true);
        var items = await db.ContentItems.AsNoTracking().Where(c => c.FileId == fileId && c.PublishAt <= now).ToListAsync(ct);
        if (items.Any(i => access.Decide(AccessService.RuleFor(i.Access, i.RequiredProductIds), now).Allowed))
            return (file, true);
        // A box cycle's picture: for the box's members (any subscription to it, so past boxes keep theirs), as /account/boxes shows it.
        if (access.MemberId is { } memberId && await db.BoxCycleContents.AnyAsync(c => c.ImageFileId == fileId
                && db.Subscriptions.Any(s => s.MemberId == memberId && s.Items.Any(i => i.ProductId == c.ProductId)), ct))
            return (file, true);
        var lessons = await db.Lessons.AsNoTracking().Where(l => l.FileId == fileId).ToListAsync(ct);
        foreach (var lesson in lessons)
        {
            var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == lesson.CourseId, ct);
            if (course.PublishAt > now || access.MemberId is null)
                continue;
            var enrolledAt = await db.Enrollments.Where(e => e.CourseId == course.Id && e.MemberId == access.MemberId).Select(e => (DateTimeOffset?)e.EnrolledAt).FirstOrDefaultAsync(ct);
            if (LessonAccess.Decide(AccessService.RuleFor(course.Access, course.RequiredProductIds), access.Context,
                    new DripSchedule(lesson.DripDays, lesson.DripDate), enrolledAt, now).Allowed)
                return (file, true);
        }
        return (file, false);
    }

    private static async Task<Enrollment> EnrollAsync(AppDbContext db, Guid courseId, string memberId, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.CourseId == courseId && e.MemberId == memberId, ct);
        if (existing is not null)
            return existing;
        var enrollment = new Enrollment { CourseId = courseId, MemberId = memberId, EnrolledAt = now };
        db.Enrollments.Add(enrollment);
        try
        {
            await db.SaveChangesAsync(ct);
            return enrollment;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Enrollments.AsNoTracking().FirstAsync(e => e.CourseId == courseId && e.MemberId == memberId, ct);
        }
    }

    /// <summary>
    /// The member's enrolment in the course (made on their first visit) with the lessons they completed, in one query
    /// when they are enrolled already: a lesson page is read far more often than anything else a member opens.
    /// </summary>
    private static async Task<(Enrollment Enrollment, HashSet<Guid> Completed)> EnrollWithCompletionsAsync(AppDbContext db, Guid courseId, string memberId,
        DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Enrollments.AsNoTracking().Where(e => e.CourseId == courseId && e.MemberId == memberId)
            .Select(e => new { Enrollment = e, Completed = db.LessonCompletions.Where(c => c.CourseId == e.CourseId && c.MemberId == e.MemberId).Select(c => c.LessonId).ToList() })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
            return (existing.Enrollment, existing.Completed.ToHashSet());
        return (await EnrollAsync(db, courseId, memberId, now, ct), await CompletedAsync(db, courseId, memberId, ct));
    }

    /// <summary>
    /// The course's lessons in reading order (module position, then lesson position) in one query, without the modules'
    /// rows, and with the body of <paramref name="bodyOf"/> only (the others' bodies are not shown on a lesson page).
    /// </summary>
    private static Task<List<Lesson>> ReadingOrderAsync(AppDbContext db, Guid courseId, string bodyOf, CancellationToken ct) =>
        (from l in db.Lessons.AsNoTracking().Where(l => l.CourseId == courseId)
         join m in db.CourseModules.Where(m => m.CourseId == courseId) on l.ModuleId equals m.Id into modules
         from m in modules.DefaultIfEmpty()
         orderby m == null ? int.MaxValue : m.Position, l.ModuleId, l.Position
         select new Lesson
         {
             Id = l.Id,
             CourseId = l.CourseId,
             ModuleId = l.ModuleId,
             Title = l.Title,
             Slug = l.Slug,
             Position = l.Position,
             BodyMarkdown = l.Slug == bodyOf ? l.BodyMarkdown : "",
             VideoEmbedUrl = l.VideoEmbedUrl,
             FileId = l.FileId,
             DripDays = l.DripDays,
             DripDate = l.DripDate,
         }).ToListAsync(ct);

    private static async Task<(List<CourseModule> Modules, List<Lesson> Lessons)> OutlineAsync(AppDbContext db, Guid courseId, CancellationToken ct)
    {
        var modules = await db.CourseModules.AsNoTracking().Where(m => m.CourseId == courseId).OrderBy(m => m.Position).ToListAsync(ct);
        var lessons = await db.Lessons.AsNoTracking().Where(l => l.CourseId == courseId).ToListAsync(ct);
        var order = modules.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i);
        return (modules, lessons.OrderBy(l => order.GetValueOrDefault(l.ModuleId, int.MaxValue)).ThenBy(l => l.Position).ToList());
    }

    private static async Task<HashSet<Guid>> CompletedAsync(AppDbContext db, Guid courseId, string? memberId, CancellationToken ct) =>
        memberId is null ? [] : (await db.LessonCompletions.Where(c => c.CourseId == courseId && c.MemberId == memberId).Select(c => c.LessonId).ToListAsync(ct)).ToHashSet();

    /// <summary>The cheapest plan that unlocks the item, linked to checkout, or to the billing page when the member can upgrade an existing plan.</summary>
    private static async Task<PaywallOffer?> OfferAsync(AppDbContext db, AccessLevel level, List<Guid> productIds, MemberAccess access, CancellationToken ct)
    {
        if (level != AccessLevel.Products || productIds.Count == 0)
            return null;
        var prices = await db.Prices.AsNoTracking().Where(p => productIds.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct);
        if (Paywall.CheapestUnlock(productIds, prices) is not { } unlock)
            return null;
        var name = await db.Products.Where(p => p.Id == unlock.ProductId).Select(p => p.Name).FirstAsync(ct);
        var canUpgrade = access.Context.Subscriptions.Any(s => s.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing);
        return new PaywallOffer(name, unlock.PriceId, unlock.Terms, canUpgrade ? "/account/billing" : $"/checkout?price={unlock.PriceId}", canUpgrade);
    }
}
