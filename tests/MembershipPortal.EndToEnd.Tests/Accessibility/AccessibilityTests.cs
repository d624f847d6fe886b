using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Themes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Accessibility;

/// <summary>
/// WCAG 2.2 AA as axe-core checks it: no critical or serious violation on the public pages, the member's account and
/// the Owner's dashboard, in every shipped theme, light and dark, at desktop width and on a 390 px phone.
/// </summary>
public sealed class AccessibilityTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static readonly string[] PublicPages = ["/", "/pricing", "/Account/Login", "/Account/Register"];
    private static readonly string[] MemberPages = ["/account", "/account/billing"];
    private static readonly string[] OwnerPages = ["/admin", "/admin/members"];

    [Theory]
    [InlineData("aurora")]
    [InlineData("evergreen")]
    [InlineData("midnight")]
    public async Task Theme_LightAndDark_HasNoSeriousViolations(string theme)
    {
        Assert.True(await app.Portal.Services.GetRequiredService<ThemeState>().SwitchAsync(theme));
        var problems = new List<string>();

        var anonymous = await app.NewPageAsync();
        foreach (var path in PublicPages)
            problems.AddRange(await CheckAsync(anonymous, path));

        var member = await app.SignedInPageAsync($"a11y-member-{theme}@example.test");
        var owner = await app.SignedInPageAsync($"a11y-owner-{theme}@example.test", role: PortalRoles.Owner);
        foreach (var dark in new[] { false, true })
        {
            if (dark)
            {
                await ToggleDarkAsync(member);
                await ToggleDarkAsync(owner);
            }
            foreach (var path in MemberPages)
                problems.AddRange(await CheckAsync(member, path));
            foreach (var path in OwnerPages)
                problems.AddRange(await CheckAsync(owner, path));
        }

        // A phone: the same member pages at 390 x 844.
        await member.SetViewportSizeAsync(390, 844);
        foreach (var path in MemberPages)
            problems.AddRange(await CheckAsync(member, path));

        Assert.True(problems.Count == 0, $"{theme}:\n" + string.Join("\n", problems));
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return await Axe.SeriousViolationsAsync(page);
    }

    /// <summary>The app bar's switch; a signed-in person's choice is kept, so the next pages open dark.</summary>
    private static async Task ToggleDarkAsync(IPage page)
    {
        await page.GotoAsync("/account");
        await BrowserApp.WaitForCircuitAsync(page);
        const string background = "() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()";
        var light = await page.EvaluateAsync<string>(background);
        // A form post (it works without a circuit): the page comes back from the server in the other mode.
        var next = await page.GetByTestId("dark-toggle").GetAttributeAsync("aria-label") == "Switch to dark mode" ? "Switch to light mode" : "Switch to dark mode";
        await page.GetByTestId("dark-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("dark-toggle")).ToHaveAttributeAsync("aria-label", next);
        for (var i = 0; i < 50 && await page.EvaluateAsync<string>(background) == light; i++)
            await page.WaitForTimeoutAsync(200);
        Assert.NotEqual(light, await page.EvaluateAsync<string>(background));
    }
}
