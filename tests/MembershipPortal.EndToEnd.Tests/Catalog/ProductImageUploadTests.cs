using MembershipPortal.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Catalog;

/// <summary>The Owner uploads a product's picture in the editor; a visitor sees it on the product page.</summary>
public sealed class ProductImageUploadTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    /// <summary>A real 1 × 1 PNG, so the browser can decode what it is served.</summary>
    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Owner_UploadsTheImage_VisitorSeesItOnTheProductPage_ARenamedPageIsRefused()
    {
        var owner = await CatalogBrowser.OwnerPageAsync(app, "pictures@example.test");
        await CatalogBrowser.OpenAsync(owner, "/admin/catalog/products/new");
        await owner.GetByTestId("product-name").FillAsync("Ornament club");

        var upload = owner.GetByTestId("product-image-upload").Locator("input[type=file]");
        await upload.SetInputFilesAsync(new FilePayload { Name = "notes.png", MimeType = "image/png", Buffer = "<html>not a picture</html>"u8.ToArray() });
        await Assertions.Expect(owner.GetByTestId("product-image-upload-error")).ToHaveTextAsync("That file is not a PNG image, whatever its name says.");
        await Assertions.Expect(BrowserApp.Input(owner, "product-image")).ToHaveValueAsync("");

        await upload.SetInputFilesAsync(new FilePayload { Name = "ornament.png", MimeType = "image/png", Buffer = OnePixelPng });
        await Assertions.Expect(BrowserApp.Input(owner, "product-image")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^/files/[0-9a-f-]{36}$"));
        await Assertions.Expect(owner.GetByTestId("product-image-upload-error")).ToHaveCountAsync(0);
        await BrowserApp.SaveAndWaitForAsync(owner, "save-product", CatalogBrowser.ProductEditorUrl);
        var image = await BrowserApp.Input(owner, "product-image").InputValueAsync();
        await BrowserApp.ScreenshotAsync(owner, "product-image-uploaded", fullPage: false);

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("/products/ornament-club");
        var cover = visitor.Locator($"img[src='{image}']").First;
        await Assertions.Expect(cover).ToBeVisibleAsync();
        Assert.True(await cover.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 1"), "the visitor's browser could not load the uploaded picture");
    }
}
