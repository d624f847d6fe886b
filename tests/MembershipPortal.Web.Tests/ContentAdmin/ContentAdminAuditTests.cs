using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
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
        var draft = new ContentDraft { Title = "Audited", Slug = $"audited-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow(), Access = AccessLevel.Members };
        var created = await fixture.RunAsync(new SaveContent(draft));
        Assert.True(created.Succeeded);
        var id = created.Id!.Value;
        draft.Id = id;
        draft.Title = "Audited again";
        Assert.True((await fixture.RunAsync(new SaveContent(draft))).Succeeded);
        Assert.True((await fixture.RunAsync(new DeleteContent(id))).Succeeded);

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
            var refused = await fixture.RunAsync(new SaveContent(new ContentDraft { Title = "", Slug = "Not A Slug", PublishAt = fixture.Factory.Clock.GetUtcNow() }));
            Assert.False(refused.Succeeded);
            Assert.Equal(before, await db.AuditEntries.CountAsync());
        }
    }

    [Fact]
    public async Task CourseBuilder_EachChange_OneEntry()
    {
        var course = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Audit course", Slug = $"audit-course-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow() }));
        var courseId = course.Id!.Value;
        var a = (await fixture.RunAsync(new AddModule(courseId, "First"))).Id!.Value;
        var b = (await fixture.RunAsync(new AddModule(courseId, "Second"))).Id!.Value;
        Assert.True((await fixture.RunAsync(new RenameModule(a, "First module"))).Succeeded);
        Assert.True((await fixture.RunAsync(new RenameModule(a, "First module"))).Succeeded); // unchanged: no entry
        var lesson = (await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = "L1", Slug = "l1" }))).Id!.Value;
        Assert.True((await fixture.RunAsync(new MoveLesson(lesson, b, 0))).Succeeded);
        Assert.True((await fixture.RunAsync(new MoveModule(b, 0))).Succeeded);
        Assert.True((await fixture.RunAsync(new DeleteLesson(lesson))).Succeeded);
        Assert.True((await fixture.RunAsync(new DeleteModule(a))).Succeeded);
        Assert.True((await fixture.RunAsync(new DeleteCourse(courseId))).Succeeded);

        var entries = await EntriesAsync(courseId);
        Assert.Equal(["course.create", "course.module.add", "course.module.add", "course.module.rename", "lesson.create", "lesson.move",
            "course.module.move", "lesson.delete", "course.module.delete", "course.delete"], entries.Select(e => e.Action));
        var rename = entries[3];
        Assert.Equal(("First", "First module"), (rename.Before, rename.After));
        Assert.All(entries, e => Assert.Equal("System", e.ActorRole));
    }

    [Fact]
    public async Task Staff_EditContentAndCourses_AsBefore_AndAMemberIsRefused()
    {
        var staffUser = await fixture.Factory.CreateUserAsync($"content.staff.{unique}@example.test", "a long member passphrase", PortalRoles.Staff);
        var staff = new AuditActor(staffUser.Id, staffUser.Email!, PortalRoles.Staff);
        var memberUser = await fixture.Factory.CreateUserAsync($"content.member.{unique}@example.test", "a long member passphrase");
        var member = new AuditActor(memberUser.Id, memberUser.Email!, "Member");
        var now = fixture.Factory.Clock.GetUtcNow();

        var item = await fixture.Factory.RunAsAsync(staff, new SaveContent(new ContentDraft { Title = "By staff", Slug = $"by-staff-{unique}", PublishAt = now, Access = AccessLevel.Members }));
        var course = await fixture.Factory.RunAsAsync(staff, new SaveCourse(new CourseDraft { Title = "Staff course", Slug = $"staff-course-{unique}", PublishAt = now }));
        Assert.True(item.Succeeded, item.Message);
        Assert.True(course.Succeeded, course.Message);
        Assert.True((await fixture.Factory.RunAsAsync(staff, new AddModule(course.Id!.Value, "First"))).Succeeded);
        Assert.True((await fixture.Factory.RunAsAsync(staff, new DeleteContent(item.Id!.Value))).Succeeded);
        Assert.All((await EntriesAsync(course.Id.Value)).Concat(await EntriesAsync(item.Id.Value)), e => Assert.Equal((staffUser.Id, PortalRoles.Staff), (e.ActorId, e.ActorRole)));

        var refused = await fixture.Factory.RunAsAsync(member, new SaveContent(new ContentDraft { Title = "By a member", Slug = $"by-member-{unique}", PublishAt = now }));
        Assert.False(refused.Succeeded);
        Assert.Equal("Your account no longer has access to the admin area.", refused.Message);
        await using var db = await fixture.DbAsync();
        Assert.False(await db.ContentItems.AnyAsync(c => c.Slug == $"by-member-{unique}"));
    }
}
