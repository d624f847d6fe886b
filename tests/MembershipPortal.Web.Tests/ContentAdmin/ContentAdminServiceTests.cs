using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.ContentAdmin;

/// <summary>One portal on a real SQLite file with a 1 KB upload limit, and its catalog, shared by the service tests.</summary>
public sealed class ContentAdminFixture : IAsyncLifetime
{
    public PortalFactory Factory { get; } = new PortalFactory().WithSetting("Content:MaxUploadBytes", "1024");
    public TestCatalog Catalog { get; private set; } = null!;
    private AsyncServiceScope scope;
    public ContentAdminQueries Queries { get; private set; } = null!;
    public ContentUploads Uploads { get; private set; } = null!;
    public string FilesPath => Path.Combine(Factory.Root, "files");

    public async Task InitializeAsync()
    {
        _ = Factory.Server;
        Catalog = await TestCatalog.CreateAsync(Factory);
        scope = Factory.Services.CreateAsyncScope();
        Queries = scope.ServiceProvider.GetRequiredService<ContentAdminQueries>();
        Uploads = scope.ServiceProvider.GetRequiredService<ContentUploads>();
    }

    /// <summary>Runs a content use case as the system (no one signed in outside a request), as the demo seeding does.</summary>
    public Task<Outcome> RunAsync<TRequest>(TRequest request) where TRequest : IUseCaseRequest => Factory.RunAsAsync(null, request);

    public async Task<AppDbContext> DbAsync() => await Factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    public async Task DisposeAsync()
    {
        await scope.DisposeAsync();
        Factory.Dispose();
    }
}

public sealed class ContentAdminServiceTests(ContentAdminFixture fixture) : IClassFixture<ContentAdminFixture>
{
    private readonly string unique = Guid.NewGuid().ToString("N")[..8];

    private ContentDraft Draft(string slug, Action<ContentDraft>? shape = null)
    {
        var draft = new ContentDraft
        {
            Title = $"Title {slug}",
            Slug = slug,
            Teaser = "A teaser",
            BodyMarkdown = "# Hello\n\nBody",
            PublishAt = fixture.Factory.Clock.GetUtcNow(),
            Access = AccessLevel.Members,
        };
        shape?.Invoke(draft);
        return draft;
    }

    private async Task<int> CountItemsAsync(string titlePrefix)
    {
        await using var db = await fixture.DbAsync();
        return await db.ContentItems.CountAsync(c => c.Title.StartsWith(titlePrefix));
    }

    [Fact]
    public async Task SaveContent_ValidProductsItem_SavesEveryFieldInUtc()
    {
        var publishAt = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(2));
        var result = await fixture.RunAsync(new SaveContent(Draft($"pro-{unique}", d =>
        {
            d.Kind = ContentKind.Video;
            d.Access = AccessLevel.Products;
            d.RequiredProductIds = [fixture.Catalog.ProProduct, fixture.Catalog.VipProduct];
            d.VideoEmbedUrl = "https://www.youtube-nocookie.com/embed/abc123";
            d.CoverImageUrl = "https://images.example.test/cover.jpg";
            d.PublishAt = publishAt;
            d.Author = "  Ada  ";
        })));

        Assert.True(result.Succeeded, result.Message);
        var saved = await fixture.Queries.GetContentAsync(result.Id!.Value);
        Assert.NotNull(saved);
        Assert.Equal(ContentKind.Video, saved.Kind);
        Assert.Equal("Ada", saved.Author);
        Assert.Equal(publishAt, saved.PublishAt);
        Assert.Equal(TimeSpan.Zero, saved.PublishAt.Offset);
        Assert.Equal(new[] { fixture.Catalog.ProProduct, fixture.Catalog.VipProduct }.Order(), saved.RequiredProductIds.Order());
        var row = Assert.Single(await fixture.Queries.ListContentAsync(), r => r.Id == result.Id);
        Assert.True(row.Scheduled);
        Assert.Equal(["Pro", "VIP"], row.Products.Order());
    }

    [Fact]
    public async Task SaveContent_DuplicateSlug_RefusedWithMessageAndNothingWritten()
    {
        Assert.True((await fixture.RunAsync(new SaveContent(Draft($"dup-{unique}")))).Succeeded);

        var second = await fixture.RunAsync(new SaveContent(Draft($"dup-{unique}", d => d.Title = $"Second {unique}")));

        Assert.False(second.Succeeded);
        Assert.Contains("already uses the slug", second.Message);
        Assert.Contains($"dup-{unique}", second.Message);
        Assert.Equal(0, await CountItemsAsync($"Second {unique}"));
    }

    [Fact]
    public async Task SaveContent_EditKeepingOwnSlug_IsNotADuplicate()
    {
        var created = await fixture.RunAsync(new SaveContent(Draft($"own-{unique}")));
        var draft = (await fixture.Queries.GetContentAsync(created.Id!.Value))!;
        draft.Title = "Renamed";

        Assert.True((await fixture.RunAsync(new SaveContent(draft))).Succeeded);
        Assert.Equal("Renamed", (await fixture.Queries.GetContentAsync(created.Id.Value))!.Title);
    }

    [Theory]
    [InlineData("https://www.youtube.com/embed/abc")]
    [InlineData("http://www.youtube-nocookie.com/embed/abc")]
    [InlineData("https://player.vimeo.com.evil.test/video/1")]
    [InlineData("https://evil.test/?u=https://player.vimeo.com/video/1")]
    [InlineData("javascript:alert(1)")]
    [InlineData("//player.vimeo.com/video/1")]
    public async Task SaveContent_EmbedFromHostNotAllowed_RefusedNamingAllowedHosts(string url)
    {
        var title = $"Embed {unique}";
        var result = await fixture.RunAsync(new SaveContent(Draft($"embed-{unique}", d => { d.Title = title; d.VideoEmbedUrl = url; })));

        Assert.False(result.Succeeded);
        Assert.Contains("www.youtube-nocookie.com", result.Message);
        Assert.Contains("player.vimeo.com", result.Message);
        Assert.Equal(0, await CountItemsAsync(title));
    }

    [Fact]
    public async Task SaveContent_ProductsAccessWithoutProducts_Refused()
    {
        var title = $"Locked {unique}";
        var result = await fixture.RunAsync(new SaveContent(Draft($"locked-{unique}", d => { d.Title = title; d.Access = AccessLevel.Products; d.RequiredProductIds = []; })));

        Assert.False(result.Succeeded);
        Assert.Contains("at least one product", result.Message);
        Assert.Equal(0, await CountItemsAsync(title));
    }

    [Fact]
    public async Task SaveContent_ProductThatDoesNotExist_Refused()
    {
        var result = await fixture.RunAsync(new SaveContent(Draft($"ghost-{unique}", d => { d.Access = AccessLevel.Products; d.RequiredProductIds = [Guid.NewGuid()]; })));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task SaveContent_MembersAccess_DropsProductList()
    {
        var result = await fixture.RunAsync(new SaveContent(Draft($"members-{unique}", d => d.RequiredProductIds = [fixture.Catalog.ProProduct])));
        Assert.Empty((await fixture.Queries.GetContentAsync(result.Id!.Value))!.RequiredProductIds);
    }

    [Theory]
    [InlineData("", "slug is required")]
    [InlineData("Has Capitals", "lower-case letters")]
    [InlineData("trailing-", "lower-case letters")]
    [InlineData("double--dash", "lower-case letters")]
    [InlineData("../etc", "lower-case letters")]
    [InlineData("naïve", "lower-case letters")]
    public async Task SaveContent_BadSlug_RefusedWithHint(string slug, string expected)
    {
        var result = await fixture.RunAsync(new SaveContent(Draft(slug)));
        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.Message);
    }

    [Fact]
    public async Task SaveContent_TitleMissingTeaserTooLongAndNoDate_ListsEveryProblem()
    {
        var result = await fixture.RunAsync(new SaveContent(Draft($"many-{unique}", d => { d.Title = "   "; d.Teaser = new string('x', 1001); d.PublishAt = default; })));

        Assert.False(result.Succeeded);
        Assert.Contains("title is required", result.Message);
        Assert.Contains("teaser can be at most 1000", result.Message);
        Assert.Contains("publish date", result.Message);
    }

    [Fact]
    public async Task SaveContent_TitleOver200_Refused() =>
        Assert.Contains("at most 200", (await fixture.RunAsync(new SaveContent(Draft($"long-{unique}", d => d.Title = new string('t', 201))))).Message);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://images.example.test/a.jpg")]
    [InlineData("//evil.test/a.jpg")]
    [InlineData("data:image/svg+xml;base64,PHN2Zz4=")]
    public async Task SaveContent_CoverNotHttpsOrSitePath_Refused(string url) =>
        Assert.False((await fixture.RunAsync(new SaveContent(Draft($"cover-{unique}", d => d.CoverImageUrl = url)))).Succeeded);

    [Fact]
    public async Task DeleteContent_RemovesItem()
    {
        var created = await fixture.RunAsync(new SaveContent(Draft($"gone-{unique}")));
        Assert.True((await fixture.RunAsync(new DeleteContent(created.Id!.Value))).Succeeded);
        Assert.Null(await fixture.Queries.GetContentAsync(created.Id.Value));
        Assert.False((await fixture.RunAsync(new DeleteContent(created.Id.Value))).Succeeded);
    }

    // ---- Courses ----

    private async Task<(Guid Course, Guid A, Guid B)> CourseWithTwoModulesAsync(int lessonsInA, int lessonsInB)
    {
        var course = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Course", Slug = $"course-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow() }));
        Assert.True(course.Succeeded, course.Message);
        var a = (await fixture.RunAsync(new AddModule(course.Id!.Value, "A"))).Id!.Value;
        var b = (await fixture.RunAsync(new AddModule(course.Id.Value, "B"))).Id!.Value;
        for (var i = 1; i <= lessonsInA; i++)
            Assert.True((await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = $"A{i}", Slug = $"a{i}" }))).Succeeded);
        for (var i = 1; i <= lessonsInB; i++)
            Assert.True((await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = b, Title = $"B{i}", Slug = $"b{i}" }))).Succeeded);
        return (course.Id.Value, a, b);
    }

    /// <summary>The order as stored: titles by module, and each module's positions (must be 0..n-1).</summary>
    private async Task<(string Order, string Positions)> StoredOrderAsync(Guid courseId)
    {
        await using var db = await fixture.DbAsync();
        var modules = await db.CourseModules.Where(m => m.CourseId == courseId).OrderBy(m => m.Position).ToListAsync();
        var lessons = await db.Lessons.Where(l => l.CourseId == courseId).ToListAsync();
        var order = string.Join(" | ", modules.Select(m => $"{m.Title}[{m.Position}]: " + string.Join(",", lessons.Where(l => l.ModuleId == m.Id).OrderBy(l => l.Position).Select(l => l.Title))));
        var positions = string.Join(" | ", modules.Select(m => string.Join(",", lessons.Where(l => l.ModuleId == m.Id).Select(l => l.Position).Order())));
        return (order, positions);
    }

    [Fact]
    public async Task AddLessons_AppendInOrder()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(3, 2);
        Assert.Equal(("A[0]: A1,A2,A3 | B[1]: B1,B2", "0,1,2 | 0,1"), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task MoveLesson_WithinModule_RenumbersPositions()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(3, 0);
        var outline = (await fixture.Queries.GetCourseAsync(course))!;
        var a3 = outline.Modules[0].Lessons[2].Id;

        Assert.True((await fixture.RunAsync(new MoveLesson(a3, a, 0))).Succeeded);

        Assert.Equal(("A[0]: A3,A1,A2 | B[1]: ", "0,1,2 | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task MoveLesson_AcrossModules_RenumbersBothModules()
    {
        var (course, _, b) = await CourseWithTwoModulesAsync(3, 2);
        var a1 = (await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[0].Id;

        Assert.True((await fixture.RunAsync(new MoveLesson(a1, b, 1))).Succeeded);

        Assert.Equal(("A[0]: A2,A3 | B[1]: B1,A1,B2", "0,1 | 0,1,2"), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task MoveLesson_IndexBeyondEnd_ClampsToLast()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(3, 0);
        var a1 = (await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[0].Id;
        await fixture.RunAsync(new MoveLesson(a1, a, 99));
        Assert.Equal(("A[0]: A2,A3,A1 | B[1]: ", "0,1,2 | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task MoveLesson_ToModuleOfAnotherCourse_Refused()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(1, 0);
        var other = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Other", Slug = $"other-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow() }));
        var foreign = (await fixture.RunAsync(new AddModule(other.Id!.Value, "Foreign"))).Id!.Value;
        var a1 = (await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[0].Id;

        Assert.False((await fixture.RunAsync(new MoveLesson(a1, foreign, 0))).Succeeded);
        Assert.Equal(("A[0]: A1 | B[1]: ", "0 | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task StepLesson_UpFromTopOfModule_MovesToEndOfPreviousModule()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(2, 2);
        var b1 = (await fixture.Queries.GetCourseAsync(course))!.Modules[1].Lessons[0].Id;

        await fixture.RunAsync(new StepLesson(b1, -1));

        Assert.Equal(("A[0]: A1,A2,B1 | B[1]: B2", "0,1,2 | 0"), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task StepLesson_DownFromBottomOfModule_MovesToTopOfNextModule()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(2, 1);
        var a2 = (await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[1].Id;

        await fixture.RunAsync(new StepLesson(a2, 1));

        Assert.Equal(("A[0]: A1 | B[1]: A2,B1", "0 | 0,1"), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task StepModule_Down_SwapsAndRenumbers()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(1, 1);
        await fixture.RunAsync(new AddModule(course, "C"));

        await fixture.RunAsync(new StepModule(a, 1));

        Assert.Equal(("B[0]: B1 | A[1]: A1 | C[2]: ", "0 | 0 | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task LessonPage_FollowsTheModuleOrder_AndCountsTheMembersCompletions()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(2, 1);
        await fixture.RunAsync(new StepModule(a, 1)); // B first, then A
        await using (var db = await fixture.DbAsync())
            await db.Lessons.Where(l => l.CourseId == course).ExecuteUpdateAsync(u => u.SetProperty(l => l.BodyMarkdown, l => "Body of " + l.Slug));
        var user = await fixture.Factory.CreateUserAsync($"reader-{unique}@example.test", "a long member passphrase");
        var reader = new MemberAccess(user.Id, true, MembershipPortal.Domain.Entitlements.MemberAccessContext.Anonymous);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var content = scope.ServiceProvider.GetRequiredService<ContentService>();

        var first = (await content.LessonAsync($"course-{unique}", "a1", reader))!;
        Assert.Equal(("b1", "a2", "Body of a1"), (first.PreviousSlug, first.NextSlug, first.Body));
        await content.CompleteLessonAsync($"course-{unique}", "b1", reader);
        var again = (await content.LessonAsync($"course-{unique}", "a1", reader))!; // enrolled now: enrolment and completions in one read
        Assert.Equal((1, 3, false), (again.Progress.Completed, again.Progress.Total, again.Completed));
        Assert.True((await content.LessonAsync($"course-{unique}", "b1", reader))!.Completed);
    }

    [Fact]
    public async Task DeleteModule_RemovesItsLessonsAndRenumbersTheRest()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(2, 1);
        await fixture.RunAsync(new AddModule(course, "C"));

        Assert.True((await fixture.RunAsync(new DeleteModule(a))).Succeeded);

        Assert.Equal(("B[0]: B1 | C[1]: ", "0 | "), await StoredOrderAsync(course));
        await using var db = await fixture.DbAsync();
        Assert.Equal(1, await db.Lessons.CountAsync(l => l.CourseId == course));
    }

    [Fact]
    public async Task DeleteLesson_RenumbersItsModule()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(3, 0);
        var a2 = (await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[1].Id;

        Assert.True((await fixture.RunAsync(new DeleteLesson(a2))).Succeeded);

        Assert.Equal(("A[0]: A1,A3 | B[1]: ", "0,1 | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task SaveLesson_NewModule_MovesToItsEndAndRenumbersTheOld()
    {
        var (course, _, b) = await CourseWithTwoModulesAsync(3, 1);
        var draft = (await fixture.Queries.GetLessonAsync((await fixture.Queries.GetCourseAsync(course))!.Modules[0].Lessons[0].Id))!;
        draft.ModuleId = b;

        Assert.True((await fixture.RunAsync(new SaveLesson(draft))).Succeeded);

        Assert.Equal(("A[0]: A2,A3 | B[1]: B1,A1", "0,1 | 0,1"), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task SaveLesson_DuplicateSlugInCourse_RefusedButFineInAnotherCourse()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(1, 0);
        var duplicate = await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = "Again", Slug = "a1" }));
        Assert.False(duplicate.Succeeded);
        Assert.Contains("already uses the slug", duplicate.Message);

        var other = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Other", Slug = $"elsewhere-{unique}", PublishAt = fixture.Factory.Clock.GetUtcNow() }));
        var module = (await fixture.RunAsync(new AddModule(other.Id!.Value, "M"))).Id!.Value;
        Assert.True((await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = module, Title = "Same slug", Slug = "a1" }))).Succeeded);
        Assert.Equal(("A[0]: A1 | B[1]: ", "0 | "), await StoredOrderAsync(course));
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(14, true)]
    [InlineData(3651, false)]
    public async Task SaveLesson_DripDays_MustBeZeroOrMore(int days, bool ok)
    {
        var (_, a, _) = await CourseWithTwoModulesAsync(0, 0);
        var result = await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = "Drip", Slug = "drip", DripDays = days }));
        Assert.Equal(ok, result.Succeeded);
    }

    [Fact]
    public async Task SaveLesson_DripDate_StoredInUtc()
    {
        var (_, a, _) = await CourseWithTwoModulesAsync(0, 0);
        var date = new DateTimeOffset(2027, 1, 15, 0, 0, 0, TimeSpan.FromHours(-5));
        var result = await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = "Dated", Slug = "dated", DripDate = date, VideoEmbedUrl = "https://player.vimeo.com/video/42" }));

        var saved = (await fixture.Queries.GetLessonAsync(result.Id!.Value))!;
        Assert.Equal(date, saved.DripDate);
        Assert.Equal(TimeSpan.Zero, saved.DripDate!.Value.Offset);
    }

    [Fact]
    public async Task SaveLesson_BadEmbed_RefusedAndNothingWritten()
    {
        var (course, a, _) = await CourseWithTwoModulesAsync(0, 0);
        var result = await fixture.RunAsync(new SaveLesson(new LessonDraft { ModuleId = a, Title = "Video", Slug = "video", VideoEmbedUrl = "https://evil.test/embed" }));
        Assert.False(result.Succeeded);
        Assert.Equal(("A[0]:  | B[1]: ", " | "), await StoredOrderAsync(course));
    }

    [Fact]
    public async Task SaveCourse_DuplicateSlugOrProductsWithoutProducts_Refused()
    {
        var now = fixture.Factory.Clock.GetUtcNow();
        Assert.True((await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "One", Slug = $"same-{unique}", PublishAt = now }))).Succeeded);

        var duplicate = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Two", Slug = $"same-{unique}", PublishAt = now }));
        var noProducts = await fixture.RunAsync(new SaveCourse(new CourseDraft { Title = "Three", Slug = $"three-{unique}", PublishAt = now, Access = AccessLevel.Products }));

        Assert.Contains("Another course already uses the slug", duplicate.Message);
        Assert.Contains("at least one product", noProducts.Message);
        await using var db = await fixture.DbAsync();
        Assert.Equal(1, await db.Courses.CountAsync(c => c.Slug == $"same-{unique}" || c.Slug == $"three-{unique}"));
    }

    [Fact]
    public async Task DeleteCourse_RemovesModulesAndLessons()
    {
        var (course, _, _) = await CourseWithTwoModulesAsync(2, 1);
        Assert.True((await fixture.RunAsync(new DeleteCourse(course))).Succeeded);
        await using var db = await fixture.DbAsync();
        Assert.False(await db.CourseModules.AnyAsync(m => m.CourseId == course));
        Assert.False(await db.Lessons.AnyAsync(l => l.CourseId == course));
    }

    // ---- Uploads ----

    private async Task<(int Files, int Rows)> StoredAsync()
    {
        await using var db = await fixture.DbAsync();
        var files = Directory.Exists(fixture.FilesPath) ? Directory.EnumerateFileSystemEntries(fixture.FilesPath).Count() : 0;
        return (files, await db.StoredFiles.CountAsync());
    }

    [Fact]
    public async Task Upload_AllowedTypeWithinLimit_StoredAndAttachable()
    {
        var result = await fixture.Uploads.UploadAsync(new FakeBrowserFile("pattern.pdf", new byte[900]));

        Assert.Null(result.Error);
        Assert.Equal(900, result.Length);
        await using (var db = await fixture.DbAsync())
            Assert.True(File.Exists(Path.Combine(fixture.FilesPath, (await db.StoredFiles.SingleAsync(f => f.Id == result.FileId)).StorageKey)));
        var saved = await fixture.RunAsync(new SaveContent(Draft($"file-{unique}", d => { d.Kind = ContentKind.Download; d.FileId = result.FileId; })));
        Assert.True(saved.Succeeded);
        Assert.Equal("pattern.pdf", (await fixture.Queries.GetContentAsync(saved.Id!.Value))!.FileName);
    }

    [Theory]
    [InlineData("setup.exe")]
    [InlineData("page.html")]
    [InlineData("image.svg")]
    [InlineData("noextension")]
    public async Task Upload_DisallowedType_RefusedWithMessageAndNoFileOnDisk(string name)
    {
        var before = await StoredAsync();

        var result = await fixture.Uploads.UploadAsync(new FakeBrowserFile(name, new byte[10]));

        Assert.Null(result.FileId);
        Assert.Contains("cannot be uploaded", result.Error);
        Assert.Contains(".pdf", result.Error);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Upload_DeclaredOverLimit_RefusedBeforeReadingAndNoFileOnDisk()
    {
        var before = await StoredAsync();
        var file = new FakeBrowserFile("big.pdf", new byte[2048]);

        var result = await fixture.Uploads.UploadAsync(file);

        Assert.Null(result.FileId);
        Assert.Contains("at most 1 KB", result.Error);
        Assert.False(file.Opened);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Upload_BrowserUnderstatesSize_FileStoreCountsBytesAndRefuses()
    {
        var before = await StoredAsync();

        var result = await fixture.Uploads.UploadAsync(new FakeBrowserFile("liar.pdf", new byte[4096], declaredSize: 100));

        Assert.Null(result.FileId);
        Assert.Contains("larger than", result.Error);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task SaveContent_UnknownFileId_Refused() =>
        Assert.Contains("file no longer exists", (await fixture.RunAsync(new SaveContent(Draft($"nofile-{unique}", d => d.FileId = Guid.NewGuid())))).Message);

    private sealed class FakeBrowserFile(string name, byte[] content, long? declaredSize = null) : IBrowserFile
    {
        public bool Opened { get; private set; }
        public string Name => name;
        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;
        public long Size => declaredSize ?? content.Length;
        public string ContentType => "application/octet-stream";

        // Like the real browser stream: refuses a declared size over the limit, but otherwise yields whatever bytes arrive.
        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default)
        {
            if (Size > maxAllowedSize)
                throw new IOException($"Supplied file with size {Size} bytes exceeds the maximum of {maxAllowedSize} bytes.");
            Opened = true;
            return new MemoryStream(content);
        }
    }
}

public sealed class SlugsTests
{
    [Theory]
    [InlineData("Knitting Basics", "knitting-basics")]
    [InlineData("  Crème brûlée: 10 tips!  ", "creme-brulee-10-tips")]
    [InlineData("<script>alert(1)</script>", "script-alert-1-script")]
    [InlineData("---", "")]
    public void From_Title_MakesValidSlug(string title, string expected)
    {
        Assert.Equal(expected, Slugs.From(title));
        if (expected.Length > 0)
            Assert.True(Slugs.IsValid(expected));
    }

    [Fact]
    public void From_LongTitle_StaysWithinLimit() => Assert.True(Slugs.IsValid(Slugs.From(string.Join(" ", Enumerable.Repeat("word", 100)))));
}
