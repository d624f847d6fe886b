using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Admin;

/// <summary>The Owner's first look at an empty dashboard, on a phone: the checklist, its links, and putting it away.</summary>
public sealed class SetupChecklistBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Owner_OnAPhone_SeesWhatIsLeft_FollowsAStep_ThenHidesTheList()
    {
        var page = await app.SignedInPageAsync("first.owner@example.test", role: PortalRoles.Owner);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/admin");
        await BrowserApp.WaitForCircuitAsync(page);

        var list = page.GetByTestId("setup-checklist");
        await Assertions.Expect(list).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("checklist-progress")).ToHaveTextAsync("0 of 5 done");
        await Assertions.Expect(page.GetByTestId("checklist-step")).ToHaveCountAsync(5);
        // Nothing spills sideways at 390 px.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await BrowserApp.ScreenshotAsync(page, "dashboard-checklist-390", fullPage: false);

        await list.GetByRole(AriaRole.Link, new() { Name = "Add a plan" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/catalog/products/new$"));

        await page.GotoAsync("/admin");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("checklist-dismiss").ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-checklist")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("admin-heading")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("setup-checklist")).ToHaveCountAsync(0);
    }
}
