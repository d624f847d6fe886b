using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Admin;

public sealed class OwnerSetupTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Evergreen = "rgb(23, 64, 45)"; // evergreen's light app bar, #17402D

    [Fact]
    public async Task Setup_CreatesOwner_WhoSwitchesTheme_ThenSetupIsGone()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/setup");
        await BrowserApp.ScreenshotAsync(page, "setup");
        await page.Locator("#setup-name").FillAsync("Olive");
        await page.Locator("#setup-email").FillAsync("owner@example.test");
        await page.Locator("#setup-password").FillAsync("owner passphrase long enough");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Owner account" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/admin$"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByTestId("admin-heading")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "admin");

        await page.GotoAsync("/admin/settings");
        await BrowserApp.WaitForCircuitAsync(page);
        var appBar = page.Locator("header.mud-appbar");
        var before = await BackgroundAsync(appBar);

        await page.GetByTestId("use-theme-evergreen").ClickAsync();
        await Assertions.Expect(page.GetByText("Theme switched to Evergreen")).ToBeVisibleAsync();
        Assert.NotEqual(Evergreen, before);
        await Assertions.Expect(appBar).ToHaveCSSAsync("background-color", Evergreen);
        await BrowserApp.ScreenshotAsync(page, "settings-evergreen");

        // The switch is in the audit trail, attributed to the Owner who clicked (the circuit's user), before → after.
        await page.GotoAsync("/admin/audit");
        await BrowserApp.WaitForCircuitAsync(page);
        var row = page.Locator("tr", new() { HasText = "Theme changed" });
        await Assertions.Expect(row).ToContainTextAsync("owner@example.test");
        await Assertions.Expect(row).ToContainTextAsync("evergreen");

        // A new visitor sees the new theme too, with no restart.
        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("/");
        await Assertions.Expect(visitor.Locator("header.mud-appbar")).ToHaveCSSAsync("background-color", Evergreen);

        var setup = await page.GotoAsync("/setup");
        Assert.Equal(404, setup!.Status);
    }

    private static Task<string> BackgroundAsync(ILocator element) =>
        element.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
}
