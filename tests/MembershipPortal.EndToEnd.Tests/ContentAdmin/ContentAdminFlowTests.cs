using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.ContentAdmin;

public sealed class ContentAdminFlowTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    public async Task InitializeAsync() => await TestCatalog.CreateAsync(app.Portal, prefix);

    public Task DisposeAsync() => Task.CompletedTask;

    private static ILocator TextArea(IPage page, string testId) =>
        page.Locator($"textarea[data-testid='{testId}'], [data-testid='{testId}'] textarea").First;

    /// <summary>Opens a MudSelect by its data-testid and clicks the option with the given text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = false }).First.ClickAsync();
    }

    [Fact]
    public async Task Owner_CreatesProOnlyArticleWithPreview_AnonymousSeesTeaserAndPaywall()
    {
        var page = await app.SignedInPageAsync($"owner{prefix}@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/content");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("new-content").ClickAsync();
        await page.WaitForURLAsync(new Regex("/admin/content/new$"), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);

        await BrowserApp.Input(page, "content-title").FillAsync($"Winter hat pattern {prefix}");
        await Assertions.Expect(BrowserApp.Input(page, "content-slug")).ToHaveValueAsync($"winter-hat-pattern-{prefix}");
        await TextArea(page, "content-teaser").FillAsync("A warm hat in an evening: the full pattern is for Pro members.");
        await TextArea(page, "content-body").FillAsync("## Cast on\n\nUse **80 stitches** on 4 mm needles.\n\n- Rib for 5 cm\n- Knit to 18 cm\n\n<script>alert('no')</script>");
        var preview = page.GetByTestId("content-body-preview");
        await Assertions.Expect(preview.Locator("strong")).ToHaveTextAsync("80 stitches");
        await Assertions.Expect(preview.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(preview.Locator("script")).ToHaveCountAsync(0);

        await ChooseAsync(page, "content-access", "Holders of chosen products");
        await ChooseAsync(page, "content-products", $"{prefix}Pro");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(BrowserApp.Input(page, "content-products")).ToHaveValueAsync($"{prefix}Pro");
        await BrowserApp.ScreenshotAsync(page, "content-editor");

        await BrowserApp.SaveAndWaitForAsync(page, "save-content", new Regex("/admin/content/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByText($"Saved “Winter hat pattern {prefix}”.")).ToBeVisibleAsync();

        await page.GotoAsync("/admin/content");
        var row = page.Locator("tr", new() { Has = page.GetByText($"Winter hat pattern {prefix}") });
        await Assertions.Expect(row).ToContainTextAsync($"{prefix}Pro");
        await BrowserApp.ScreenshotAsync(page, "content-list");

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/content/winter-hat-pattern-{prefix}");
        await Assertions.Expect(visitor.GetByTestId("content-title")).ToHaveTextAsync($"Winter hat pattern {prefix}");
        await Assertions.Expect(visitor.GetByTestId("content-teaser")).ToContainTextAsync("A warm hat in an evening");
        await Assertions.Expect(visitor.GetByTestId("paywall")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByTestId("paywall-offer")).ToContainTextAsync($"{prefix}Pro");
        Assert.DoesNotContain("80 stitches", await visitor.ContentAsync());
    }

    [Fact]
    public async Task Owner_RefusedSave_ShowsWhyAndKeepsTheForm()
    {
        var page = await app.SignedInPageAsync($"staff{prefix}@example.test", role: PortalRoles.Staff);
        await page.GotoAsync("/admin/content/new");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.Input(page, "content-title").FillAsync("Embedded elsewhere");
        await BrowserApp.Input(page, "content-video").FillAsync("https://www.youtube.com/watch?v=abc");
        await page.GetByTestId("save-content").ClickAsync();

        await Assertions.Expect(page.GetByTestId("editor-errors")).ToContainTextAsync("www.youtube-nocookie.com");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/content/new$"));
        await Assertions.Expect(BrowserApp.Input(page, "content-title")).ToHaveValueAsync("Embedded elsewhere");
    }

    [Fact]
    public async Task Owner_BuildsCourse_AddsModulesAndLessonsAndReorders()
    {
        var page = await app.SignedInPageAsync($"builder{prefix}@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/courses/new");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.Input(page, "course-title").FillAsync($"Sock school {prefix}");
        await TextArea(page, "course-teaser").FillAsync("From cuff to toe in six lessons.");
        await TextArea(page, "course-description").FillAsync("Learn to knit **socks** that fit.");
        await BrowserApp.SaveAndWaitForAsync(page, "save-course", new Regex("/admin/courses/[0-9a-f-]{36}$"));
        await BrowserApp.WaitForCircuitAsync(page);

        foreach (var module in new[] { "Getting started", "The heel" })
        {
            await BrowserApp.Input(page, "new-module-title").FillAsync(module);
            await page.GetByTestId("add-module").ClickAsync();
            await Assertions.Expect(page.GetByTestId("module-title").Filter(new() { HasText = module })).ToBeVisibleAsync();
        }

        foreach (var (title, moduleIndex) in new[] { ("Yarn and needles", 0), ("Casting on", 0), ("Turning the heel", 1) })
        {
            await page.GetByTestId("add-lesson").Nth(moduleIndex).ClickAsync();
            await page.WaitForURLAsync(new Regex("/lessons/new"), new() { WaitUntil = WaitUntilState.Commit });
            await BrowserApp.WaitForCircuitAsync(page);
            await BrowserApp.Input(page, "lesson-title").FillAsync(title);
            await TextArea(page, "lesson-body").FillAsync($"# {title}\n\nSteps for *{title}*.");
            await Assertions.Expect(page.GetByTestId("lesson-body-preview").Locator("em")).ToHaveTextAsync(title);
            if (moduleIndex == 1)
                await BrowserApp.Input(page, "lesson-drip-days").FillAsync("7");
            if (title == "Casting on")
                await BrowserApp.ScreenshotAsync(page, "lesson-editor");
            await BrowserApp.SaveAndWaitForAsync(page, "save-lesson", new Regex("/admin/courses/[0-9a-f-]{36}$"));
            await BrowserApp.WaitForCircuitAsync(page);
        }

        var lessons = page.GetByTestId("lesson-title");
        await Assertions.Expect(lessons).ToHaveTextAsync(["Yarn and needles", "Casting on", "Turning the heel"]);
        await Assertions.Expect(page.GetByTestId("lesson-row").Nth(2)).ToContainTextAsync("Day 7");
        await Assertions.Expect(page.GetByTestId("module-up").First).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("module-down").Last).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("lesson-up").First).ToBeDisabledAsync();

        // Down from the last lesson of a module crosses into the next one.
        await page.GetByTestId("lesson-down").Nth(1).ClickAsync();
        await Assertions.Expect(lessons).ToHaveTextAsync(["Yarn and needles", "Casting on", "Turning the heel"]);
        await Assertions.Expect(page.GetByTestId("module").Nth(1).GetByTestId("lesson-title")).ToHaveTextAsync(["Casting on", "Turning the heel"]);
        await page.GetByTestId("lesson-up").Nth(2).ClickAsync();
        await Assertions.Expect(lessons).ToHaveTextAsync(["Yarn and needles", "Turning the heel", "Casting on"]);
        await page.GetByTestId("module-down").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("module-title")).ToHaveTextAsync([new Regex("The heel"), new Regex("Getting started")]);
        await Assertions.Expect(lessons).ToHaveTextAsync(["Turning the heel", "Casting on", "Yarn and needles"]);
        await BrowserApp.ScreenshotAsync(page, "course-builder");
    }
}
