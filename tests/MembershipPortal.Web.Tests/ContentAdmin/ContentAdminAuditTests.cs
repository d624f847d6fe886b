using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Content.Admin;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.ContentAdmin;

/// <summary>Each content admin change writes exactly one audit entry with it; a refused change writes none.</summary>
public sealed class ContentAdminAuditTests(ContentAdminFixture fixture) : IClassFixture<ContentAdminFixture>
{
    private readonly string unique = Guid.NewGuid().ToString("N")[..8];

    private async Task<List<AuditEntry>> EntriesAsync(Guid targetId)
    {
        await using var db = await fixture.DbAsync();
        var id = targetId.ToString();
        return await db.AuditEntries.Where(e => e.TargetId == id).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task ContentItem_CreateUpdateDelete_OneEntryEach()
    {
        var service = fixture.Service;
        var draft = new ContentDraft { Title = "Audited", Slug = $"audited-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow(), Access = AccessLevel.Members };
        var created = await service.SaveContentAsync(draft);
        Assert.True(created.Succeeded);
        var id = created.Id!.Value;
        draft.Id = id;
        draft.Title = "Audited again";
        Assert.True((await service.SaveContentAsync(draft)).Succeeded);
        Assert.True(await service.DeleteContentAsync(id));

        var entries = await EntriesAsync(id);
        Assert.Equal(["content.create", "content.update", "content.delete"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("content", e.TargetType));
        Assert.Contains("Audited again", entries[2].Summary);
    }

    [Fact]
    public async Task RefusedSave_WritesNoEntry()
    {
        await using (var db = await fixture.DbAsync())
        {
            var before = await db.AuditEntries.CountAsync();
            var refused = await fixture.Service.SaveContentAsync(new ContentDraft { Title = "", Slug = "Not A Slug", PublishAt = fixture.Factory.Clock.GetUtcNow() });
            Assert.False(refused.Succeeded);
            Assert.Equal(before, await db.AuditEntries.CountAsync());
        }
    }

    [Fact]
    public async Task CourseBuilder_EachChange_OneEntry()
    {
        var service = fixture.Service;
        var course = await service.SaveCourseAsync(new CourseDraft { Title = "Audit course", Slug = $"audit-course-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow() });
        var courseId = course.Id!.Value;
        var a = (await service.AddModuleAsync(courseId, "First")).Id!.Value;
        var b = (await service.AddModuleAsync(courseId, "Second")).Id!.Value;
        Assert.True((await service.RenameModuleAsync(a, "First module")).Succeeded);
        Assert.True((await service.RenameModuleAsync(a, "First module")).Succeeded); // unchanged: no entry
        var lesson = (await service.SaveLessonAsync(new LessonDraft { ModuleId = a, Title = "L1", Slug = "l1" })).Id!.Value;
        Assert.True((await service.MoveLessonAsync(lesson, b, 0)).Succeeded);
        Assert.True((await service.MoveModuleAsync(b, 0)).Succeeded);
        Assert.True((await service.DeleteLessonAsync(lesson)).Succeeded);
        Assert.True((await service.DeleteModuleAsync(a)).Succeeded);
        Assert.True(await service.DeleteCourseAsync(courseId));

        var entries = await EntriesAsync(courseId);
        Assert.Equal(["course.create", "course.module.add", "course.module.add", "course.module.rename", "lesson.create", "lesson.move",
            "course.module.move", "lesson.delete", "course.module.delete", "course.delete"], entries.Select(e => e.Action));
        var rename = entries[3];
        Assert.Equal(("First", "First module"), (rename.Before, rename.After));
        Assert.All(entries, e => Assert.Equal("System", e.ActorRole));
    }
}
