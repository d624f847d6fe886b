using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Tests.Support;

/// <summary>Content for access tests: items at each access level, a Pro course with a dripped lesson, and a Pro-only file.</summary>
public sealed class TestContent
{
    public const string Secret = "SECRET-BODY-7f3a";
    public Guid ProFileId { get; private set; }
    public string Prefix { get; private set; } = "";

    public string ProArticle => $"{Prefix}pro-article";
    public string MembersArticle => $"{Prefix}members-article";
    public string PublicArticle => $"{Prefix}public-article";
    public string Course => $"{Prefix}pro-course";

    public static async Task<TestContent> CreateAsync(PortalFactory factory, TestCatalog catalog, string prefix = "")
    {
        var content = new TestContent { Prefix = prefix };
        var now = factory.Clock.GetUtcNow();
        var files = Path.Combine(factory.Root, "files");
        Directory.CreateDirectory(files);
        var file = new StoredFile { FileName = "pattern.pdf", ContentType = "application/pdf", StorageKey = Guid.NewGuid().ToString("N"), Length = 12, UploadedAt = now };
        await File.WriteAllTextAsync(Path.Combine(files, file.StorageKey), "%PDF-secret");
        content.ProFileId = file.Id;

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        ContentItem Item(string slug, AccessLevel level, params Guid[] products) => new()
        {
            Kind = ContentKind.Article,
            Title = $"Title {slug}",
            Slug = slug,
            Teaser = $"Teaser {slug}",
            BodyMarkdown = $"Body {Secret} {slug}",
            Access = level,
            RequiredProductIds = [.. products],
            PublishAt = now.AddDays(-1),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var pro = Item(content.ProArticle, AccessLevel.Products, catalog.ProProduct, catalog.VipProduct);
        pro.FileId = file.Id;
        db.StoredFiles.Add(file);
        db.ContentItems.AddRange(pro, Item(content.MembersArticle, AccessLevel.Members), Item(content.PublicArticle, AccessLevel.Public));
        var scheduled = Item($"{prefix}scheduled", AccessLevel.Public);
        scheduled.PublishAt = now.AddDays(3);
        db.ContentItems.Add(scheduled);

        var course = new Course { Title = "Pro course", Slug = content.Course, Teaser = "Learn it", Access = AccessLevel.Products, RequiredProductIds = [catalog.ProProduct, catalog.VipProduct], PublishAt = now.AddDays(-1), CreatedAt = now };
        var module = new CourseModule { CourseId = course.Id, Title = "Basics", Position = 0 };
        db.Courses.Add(course);
        db.CourseModules.Add(module);
        db.Lessons.AddRange(
            new Lesson { CourseId = course.Id, ModuleId = module.Id, Title = "Lesson one", Slug = "lesson-1", Position = 0, BodyMarkdown = $"One {Secret}" },
            new Lesson { CourseId = course.Id, ModuleId = module.Id, Title = "Lesson two", Slug = "lesson-2", Position = 1, BodyMarkdown = $"Two {Secret}" },
            new Lesson { CourseId = course.Id, ModuleId = module.Id, Title = "Lesson three", Slug = "lesson-3", Position = 2, BodyMarkdown = $"Three {Secret}", DripDays = 7 });
        await db.SaveChangesAsync();
        return content;
    }

    /// <summary>Writes a subscription for a member in a given state, built through the domain at past instants relative to the clock.</summary>
    public static async Task<Subscription> SubscribeAsync(PortalFactory factory, string memberId, Guid priceId, Func<Subscription, DateTimeOffset, Subscription>? shape = null, DateTimeOffset? started = null)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var now = factory.Clock.GetUtcNow();
        var price = await db.Prices.AsNoTracking().SingleAsync(p => p.Id == priceId);
        var sub = Subscription.Start(memberId, [new NewSubscriptionItem(price)], started ?? now.AddDays(-5), paymentConfirmed: true);
        sub = shape?.Invoke(sub, now) ?? sub;
        db.Subscriptions.Add(sub);
        db.SubscriptionRecords.Add(new SubscriptionRecord { SubscriptionId = sub.Id, Gateway = "Test" });
        await db.SaveChangesAsync();
        return sub;
    }
}
