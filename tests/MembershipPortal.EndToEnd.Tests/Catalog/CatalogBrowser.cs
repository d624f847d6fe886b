using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Catalog;

/// <summary>Steps the catalog browser tests share.</summary>
internal static class CatalogBrowser
{
    public const string Password = "owner passphrase long enough";

    /// <summary>Creates an Owner and logs in through the /Account/Login form; returns the logged-in page.</summary>
    public static async Task<IPage> OwnerPageAsync(BrowserApp app, string email)
    {
        await app.Portal.CreateUserAsync(email, Password, PortalRoles.Owner);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/Account/Login", StringComparison.OrdinalIgnoreCase),
            new() { WaitUntil = WaitUntilState.Commit });
        return page;
    }

    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await BrowserApp.WaitForCircuitAsync(page);
    }

    public static readonly Regex ProductEditorUrl = new("/admin/catalog/products/[0-9a-f-]{36}$");
}
