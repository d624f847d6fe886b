using MembershipPortal.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Accessibility;

/// <summary>
/// Every page has one <c>main</c> landmark, and the first Tab stop is a visible "Skip to content" link that moves the
/// keyboard past the app bar and the menu (WCAG 2.4.1 Bypass Blocks).
/// </summary>
public sealed class SkipLinkTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/pricing")]
    [InlineData("/Account/Login")]
    public async Task FirstTab_IsTheSkipLink_AndItLandsInTheOneMain(string path)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator("main")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("skip-link")).Not.ToBeInViewportAsync();

        // It is the first focusable element of the document, so the first Tab from the top reaches it.
        Assert.Equal("skip-link", await page.EvaluateAsync<string>(
            "() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')?.dataset.testid ?? ''"));
        await page.GetByTestId("skip-link").FocusAsync();
        await Assertions.Expect(page.GetByTestId("skip-link")).ToBeInViewportAsync();

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main#main-content")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('main-content').contains(document.activeElement)"),
            "the Tab after the skip link lands inside <main>, past the app bar");
    }
}
