using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.ContentAdmin;

/// <summary>The Owner creates a course and the product that sells it in one step; a visitor finds it for sale.</summary>
public sealed class CourseForSaleBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Owner_CreatesACourseForSale_VisitorSeesItsProductAndPrice()
    {
        var page = await app.SignedInPageAsync("courses.owner@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/courses/new");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.Input(page, "course-title").FillAsync("Watercolour weekends");
        await BrowserApp.Input(page, "course-sell").CheckAsync();
        await BrowserApp.Input(page, "course-price").FillAsync("29");
        await BrowserApp.ScreenshotAsync(page, "course-for-sale", fullPage: false);
        await BrowserApp.SaveAndWaitForAsync(page, "save-course", new Regex("/admin/courses/[0-9a-f-]{36}$"));

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("/products/watercolour-weekends");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Watercolour weekends", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText(new Regex(@"\$29")).First).ToBeVisibleAsync();
    }
}
