using MembershipPortal.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Catalog;

public sealed class CatalogAdminTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Owner_CreatesTierWithMonthlyPrice_VisitorSeesIt_ThenArchivingHidesIt()
    {
        var owner = await CatalogBrowser.OwnerPageAsync(app, "owner@example.test");
        await CatalogBrowser.OpenAsync(owner, "/admin/catalog");
        await owner.GetByTestId("new-product").ClickAsync();
        await owner.GetByTestId("product-name").FillAsync("Studio");
        await owner.GetByTestId("product-features").FillAsync("Live classes every week\nMembers' gallery");
        await owner.GetByTestId("product-description").FillAsync("Join the **studio** for weekly classes.");
        await Assertions.Expect(owner.GetByTestId("product-slug")).ToHaveValueAsync("studio");
        await Assertions.Expect(owner.GetByTestId("description-preview").Locator("strong")).ToHaveTextAsync("studio");
        await BrowserApp.SaveAndWaitForAsync(owner, "save-product", CatalogBrowser.ProductEditorUrl);
        await Assertions.Expect(owner.GetByTestId("no-prices")).ToBeVisibleAsync();

        await owner.GetByTestId("add-price").ClickAsync();
        await owner.GetByTestId("price-amount").FillAsync("12");
        await Assertions.Expect(owner.GetByText("Buyers will see $12 per month")).ToBeVisibleAsync();
        await owner.GetByTestId("save-price").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("price-row")).ToHaveCountAsync(1);
        await Assertions.Expect(owner.GetByTestId("price-row")).ToContainTextAsync("$12 per month");

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("/pricing");
        await Assertions.Expect(visitor.GetByTestId("tier-studio")).ToContainTextAsync("Studio");
        await Assertions.Expect(visitor.GetByTestId("price-studio")).ToHaveTextAsync("$12 /mo");
        await Assertions.Expect(visitor.GetByTestId("tier-studio")).ToContainTextAsync("Live classes every week");

        await owner.GetByTestId("archive-price").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("archived-chip")).ToHaveTextAsync("Archived — existing subscribers keep it");
        await Assertions.Expect(owner.GetByTestId("unarchive-price")).ToBeVisibleAsync();

        await visitor.ReloadAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Plans and pricing" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByTestId("tier-studio")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Owner_InvalidSlugOrPrice_SeesTheReasonAndNothingIsSaved()
    {
        var owner = await CatalogBrowser.OwnerPageAsync(app, "careful.owner@example.test");
        await CatalogBrowser.OpenAsync(owner, "/admin/catalog/products/new");

        await owner.GetByTestId("product-name").FillAsync("Odd one");
        await Assertions.Expect(owner.GetByTestId("product-slug")).ToHaveValueAsync("odd-one");
        await owner.GetByTestId("product-slug").FillAsync("Odd One");
        await owner.GetByTestId("save-product").ClickAsync();
        await Assertions.Expect(owner.GetByText("is not a valid slug")).ToBeVisibleAsync();
        await Assertions.Expect(owner).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/products/new$"));

        await owner.GetByTestId("product-slug").FillAsync("odd-one");
        await BrowserApp.SaveAndWaitForAsync(owner, "save-product", CatalogBrowser.ProductEditorUrl);

        await owner.GetByTestId("add-price").ClickAsync();
        await owner.GetByTestId("price-amount").FillAsync("9.999");
        await owner.GetByTestId("save-price").ClickAsync();
        await Assertions.Expect(owner.GetByText("more decimals than USD allows")).ToBeVisibleAsync();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("no-prices")).ToBeVisibleAsync();
    }
}
