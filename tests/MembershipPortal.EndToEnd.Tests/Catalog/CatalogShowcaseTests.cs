using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Catalog;

/// <summary>The demo catalog in a real browser: the pricing switch works, and screenshots (PORTAL_SCREENSHOTS) for a person to check.</summary>
public sealed class CatalogShowcaseTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task DemoCatalog_PricingSwitchProductPagesAndAdmin()
    {
        await using (var scope = app.Portal.Services.CreateAsyncScope())
            await DemoCatalog.SeedAsync(scope.ServiceProvider.GetRequiredService<CatalogService>(), scope.ServiceProvider.GetRequiredService<UseCaseRunner>());

        var visitor = await app.NewPageAsync();
        await CatalogBrowser.OpenAsync(visitor, "/pricing");
        await Assertions.Expect(visitor.GetByTestId("price-pro")).ToHaveTextAsync("$19 /mo");
        await BrowserApp.ScreenshotAsync(visitor, "catalog-pricing");

        await visitor.GetByTestId("pricing-period").GetByText("Yearly").ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("price-pro")).ToHaveTextAsync("$190 /yr");
        await Assertions.Expect(visitor.GetByTestId("save-pro")).ToHaveTextAsync("Save 16%");
        await BrowserApp.ScreenshotAsync(visitor, "catalog-pricing-yearly");

        await visitor.GetByTestId("details-tea-box").ClickAsync();
        // The first product page of the process builds the Markdown sanitiser and compiles its queries: measured at
        // 3-6 s on a busy two-core machine, so this one wait gets the page timeout rather than the 5 s assertion default.
        await Assertions.Expect(visitor.GetByTestId("product-name")).ToHaveTextAsync("Monthly Tea Box", new() { Timeout = 15_000 });
        await Assertions.Expect(visitor.GetByTestId("product-addons")).ToContainTextAsync("Extra Mug");
        await BrowserApp.ScreenshotAsync(visitor, "catalog-product-tea-box");
        await visitor.GotoAsync("/products/watercolour-foundations");
        await BrowserApp.ScreenshotAsync(visitor, "catalog-product-course");
        var missing = await visitor.GotoAsync("/products/not-a-product");
        Assert.Equal(404, missing!.Status);

        var owner = await CatalogBrowser.OwnerPageAsync(app, "showcase.owner@example.test");
        await CatalogBrowser.OpenAsync(owner, "/admin/catalog");
        await Assertions.Expect(owner.GetByTestId("products-table")).ToContainTextAsync("Mailed Craft Kit");
        await BrowserApp.ScreenshotAsync(owner, "catalog-admin");

        await owner.GetByTestId("product-link-pro").ClickAsync();
        await owner.WaitForURLAsync(CatalogBrowser.ProductEditorUrl, new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(owner.GetByTestId("price-row")).ToHaveCountAsync(2);
        await BrowserApp.ScreenshotAsync(owner, "catalog-admin-product");
        await owner.GetByTestId("add-price").ClickAsync();
        await owner.GetByTestId("price-amount").FillAsync("49");
        await BrowserApp.ScreenshotAsync(owner, "catalog-admin-add-price");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await CatalogBrowser.OpenAsync(owner, "/admin/catalog/coupons");
        await Assertions.Expect(owner.GetByTestId("coupons-table")).ToContainTextAsync("WELCOME10");
        await BrowserApp.ScreenshotAsync(owner, "catalog-admin-coupons");
    }
}
