using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>
/// The craft club's sample library for <c>seed-demo</c>: one item per access level and a short course with a drip
/// lesson, written through the content use cases (<see cref="SaveContent"/>, <see cref="SaveCourse"/> ...) so they pass the same validation as the editor. Items
/// whose slug already exists are left alone, so running it twice adds nothing.
/// </summary>
public static class DemoContent
{
    public sealed record Result(int ItemsAdded, int CoursesAdded);

    public static async Task<Result> SeedAsync(ContentAdminQueries admin, UseCaseRunner useCases, CatalogService catalog, DateTimeOffset now, CancellationToken ct = default)
    {
        var pro = await catalog.FindProductIdAsync("pro", ct);
        var vip = await catalog.FindProductIdAsync("vip", ct);
        var course = await catalog.FindProductIdAsync("watercolour-foundations", ct);
        Guid[] proTier = [.. new[] { pro, vip }.OfType<Guid>()];
        Guid[] courseBuyers = [.. new[] { course, pro, vip }.OfType<Guid>()];

        var existing = (await admin.ListContentAsync(ct)).Select(c => c.Slug).ToHashSet();
        var items = 0;
        foreach (var draft in Items(now, proTier))
        {
            if (existing.Contains(draft.Slug))
                continue;
            Expect(await useCases.RunAsync(new SaveContent(draft), ct), draft.Slug);
            items++;
        }

        var courses = 0;
        if (!(await admin.ListCoursesAsync(ct)).Any(c => c.Slug == "watercolour-foundations"))
        {
            var courseId = Expect(await useCases.RunAsync(new SaveCourse(new CourseDraft
            {
                Title = "Watercolour Foundations",
                Slug = "watercolour-foundations",
                Teaser = "Six weeks from your first wash to a finished landscape.",
                DescriptionMarkdown = "A gentle, practical course for complete beginners.\n\n- Short lessons you can finish in an evening\n- A new technique each week\n- Downloadable practice sheets",
                PublishAt = now.AddDays(-30),
                Access = courseBuyers.Length > 0 ? AccessLevel.Products : AccessLevel.Members,
                RequiredProductIds = courseBuyers,
            }), ct), "watercolour-foundations");
            var start = Expect(await useCases.RunAsync(new AddModule(courseId, "Getting started"), ct), "module 1");
            var techniques = Expect(await useCases.RunAsync(new AddModule(courseId, "Techniques"), ct), "module 2");
            (Guid Module, string Title, string Slug, string Body, int? Drip)[] lessons =
            [
                (start, "The materials you need", "materials", "## Paper, paint and brushes\n\nYou need far less than the shop suggests:\n\n1. Cold-pressed paper, 300 gsm\n2. A student set of twelve pans\n3. A size 8 round brush\n\nTape the paper down on all four sides before you start.", null),
                (start, "Your first flat wash", "first-wash", "## A wash without streaks\n\nLoad the brush fully, tilt the board, and keep a bead of paint moving down the page. Work quickly; do not go back into drying paint.", null),
                (techniques, "Wet on wet", "wet-on-wet", "## Letting the water do the work\n\nWet the paper evenly, wait until the shine goes, then drop colour in and watch it bloom.", 7),
                (techniques, "Layering and glazing", "glazing", "## Depth in thin layers\n\nEach glaze must be bone dry before the next. Three transparent layers beat one heavy one.", 14),
            ];
            foreach (var (module, title, slug, body, drip) in lessons)
                Expect(await useCases.RunAsync(new SaveLesson(new LessonDraft { CourseId = courseId, ModuleId = module, Title = title, Slug = slug, BodyMarkdown = body, DripDays = drip }), ct), slug);
            courses++;
        }
        return new Result(items, courses);
    }

    private static IEnumerable<ContentDraft> Items(DateTimeOffset now, Guid[] proTier)
    {
        yield return new ContentDraft
        {
            Kind = ContentKind.Article,
            Title = "Welcome to the studio",
            Slug = "welcome-to-the-studio",
            Author = "The studio team",
            Teaser = "What the club is, what you get each month and how to make the most of it.",
            BodyMarkdown = "## Hello, and welcome\n\nEvery month brings a new project, a live session and a kit in the post for members who add it.\n\n- Browse the **library** for tutorials\n- Start the **Watercolour Foundations** course\n- Manage your plan under **My account**",
            PublishAt = now.AddDays(-60),
            Access = AccessLevel.Public,
        };
        yield return new ContentDraft
        {
            Kind = ContentKind.Article,
            Title = "Colour mixing cheat sheet",
            Slug = "colour-mixing-cheat-sheet",
            Author = "The studio team",
            Teaser = "Twelve mixes every painter uses, from warm greys to deep shadow violet.",
            BodyMarkdown = "## Twelve reliable mixes\n\n| Mix | Colours |\n| --- | --- |\n| Warm grey | Burnt sienna + ultramarine |\n| Sap green | Lemon yellow + phthalo blue |\n| Shadow violet | Alizarin + ultramarine |\n\nKeep a swatch card of each beside your palette.",
            PublishAt = now.AddDays(-20),
            Access = AccessLevel.Members,
        };
        yield return new ContentDraft
        {
            Kind = ContentKind.Video,
            Title = "Masterclass: wet-on-wet skies",
            Slug = "masterclass-wet-on-wet-skies",
            Author = "The studio team",
            Teaser = "A 40-minute Pro masterclass: dramatic skies in three passes.",
            BodyMarkdown = "Follow along with the demonstration, then try the three practice skies on the worksheet.",
            VideoEmbedUrl = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            PublishAt = now.AddDays(-5),
            Access = proTier.Length > 0 ? AccessLevel.Products : AccessLevel.Members,
            RequiredProductIds = proTier,
        };
    }

    private static Guid Expect(Outcome result, string what) =>
        result.Succeeded ? result.Id!.Value : throw new InvalidOperationException($"Demo content {what}: {result.Message}");
}
