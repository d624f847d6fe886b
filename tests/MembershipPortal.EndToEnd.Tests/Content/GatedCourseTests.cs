using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Content;

public sealed class GatedCourseTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private const string Password = "a long member passphrase";
    private TestCatalog catalog = null!;
    private TestContent content = null!;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    public async Task InitializeAsync()
    {
        catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        content = await TestContent.CreateAsync(app.Portal, catalog, prefix);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> MemberWithPlanAsync(string email, Guid priceId, string card)
    {
        var user = await app.Portal.CreateUserAsync(email, Password);
        using var scope = app.Portal.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>()
            .CheckoutAsync(user.Id, email, new CheckoutChoice { PriceId = priceId }, new CardDetails(card, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        return user.Id;
    }

    private async Task<IPage> LogInAsync(string email)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"), new() { WaitUntil = WaitUntilState.Commit });
        return page;
    }

    [Fact]
    public async Task ProMember_CompletesTwoLessons_SeesProgress()
    {
        var email = $"pro{prefix}@example.test";
        await MemberWithPlanAsync(email, catalog.ProMonthly, TestPaymentGateway.Succeeds);
        var page = await LogInAsync(email);

        await page.GotoAsync($"/courses/{content.Course}");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("continue").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-title")).ToHaveTextAsync("Lesson one");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("complete-lesson").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-done")).ToBeVisibleAsync();
        await page.GetByTestId("next-lesson").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-title")).ToHaveTextAsync("Lesson two");
        await page.GetByTestId("complete-lesson").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-progress")).ToHaveTextAsync("2 of 3 lessons complete");
        await BrowserApp.ScreenshotAsync(page, "lesson");

        await page.GotoAsync($"/courses/{content.Course}");
        await Assertions.Expect(page.GetByTestId("progress-text")).ToContainTextAsync("2 of 3 lessons complete (66%)");
        await Assertions.Expect(page.GetByText("opens")).ToBeVisibleAsync(); // the dripped third lesson
        await BrowserApp.ScreenshotAsync(page, "course");
    }

    [Fact]
    public async Task BasicMember_HitsPaywall_Upgrades_OpensLesson_ThenLosesItAfterFailedRenewalAndGrace()
    {
        var email = $"basic{prefix}@example.test";
        await MemberWithPlanAsync(email, catalog.BasicMonthly, TestPaymentGateway.FailsOnRenewal);
        var page = await LogInAsync(email);
        var lesson = $"/courses/{content.Course}/lessons/lesson-1";

        await page.GotoAsync(lesson);
        await Assertions.Expect(page.GetByTestId("paywall")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("paywall-offer")).ToContainTextAsync($"Upgrade to {prefix}Pro");
        await BrowserApp.ScreenshotAsync(page, "paywall");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("paywall-offer").ClickAsync();

        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("change-plan").ClickAsync();
        await page.Locator($"[data-testid='plan-{prefix}Pro-month']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("proration")).ToContainTextAsync("You pay");
        await page.GetByTestId("confirm-plan").ClickAsync();
        await Assertions.Expect(page.GetByTestId("billing-message")).ToContainTextAsync("You are now on");

        // Same session, no new sign-in: the decision is made from the database on this request.
        await page.GotoAsync(lesson);
        await Assertions.Expect(page.GetByTestId("lesson-body")).ToContainTextAsync(TestContent.Secret);

        // The renewal fails (card 0341), retries fail, the 7-day grace ends: access goes.
        var run = app.Portal.Services.GetRequiredService<RenewalRun>();
        app.Portal.Clock.Advance(TimeSpan.FromDays(31));
        await run.RunOnceAsync(app.Portal.Clock.GetUtcNow());
        for (var day = 0; day < 8; day++)
        {
            app.Portal.Clock.Advance(TimeSpan.FromDays(1));
            await run.RunOnceAsync(app.Portal.Clock.GetUtcNow());
        }

        // The sign-in cookie has expired on the moved clock too, so sign in again.
        var later = await LogInAsync(email);
        await later.GotoAsync(lesson);
        await Assertions.Expect(later.GetByTestId("paywall")).ToBeVisibleAsync();
        await Assertions.Expect(later.GetByTestId("lesson-body")).ToHaveCountAsync(0);
        await Assertions.Expect(later.GetByTestId("past-due-banner-global")).ToBeVisibleAsync();
        await Assertions.Expect(later.GetByTestId("paywall-update-card")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(later, "locked-after-grace");
    }

    [Fact]
    public async Task Visitor_SearchesLibrary_ResultsNarrowAndStayInTheAddress()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/content");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"a[href='/content/{content.PublicArticle}']")).ToBeVisibleAsync();

        await BrowserApp.Input(page, "library-search").FillAsync($"Title {content.ProArticle}");
        await BrowserApp.Input(page, "library-search").PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("q="), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator($"a[href='/content/{content.PublicArticle}']")).ToHaveCountAsync(0);
        Assert.Contains("q=", page.Url);
        await Assertions.Expect(page.Locator($"a[href='/content/{content.ProArticle}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"a[href='/content/{content.PublicArticle}']")).ToHaveCountAsync(0);

        // A word in every body finds only what a visitor may open: the public item, not the locked ones.
        await BrowserApp.Input(page, "library-search").FillAsync(TestContent.Secret);
        await BrowserApp.Input(page, "library-search").PressAsync("Enter");
        await Assertions.Expect(page.Locator($"a[href='/content/{content.PublicArticle}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"a[href='/content/{content.ProArticle}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"a[href='/content/{content.MembersArticle}']")).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(page, "library-search");
    }
}
