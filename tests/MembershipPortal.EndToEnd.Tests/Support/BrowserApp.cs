using System.Net;
using System.Text.RegularExpressions;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Support;

/// <summary>The portal on real Kestrel (127.0.0.1, a free port, its own database) and Debian's Chromium driven by Playwright.</summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public PortalFactory Portal { get; } = new();
    public string BaseUrl { get; private set; } = "";
    private IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Portal.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Portal.StartServer();
        BaseUrl = Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        // CI machines have two cores shared by three test assemblies; give the page and the circuit time.
        Assertions.SetDefaultExpectTimeout(30_000); // generous: 2 cores run two browser test classes at once
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // This machine's network is closed: keep Chromium from reaching out at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Creates a confirmed member and signs them in through the login form.</summary>
    public async Task<IPage> SignedInPageAsync(string email, string password = "a long member passphrase", string? role = null)
    {
        await Portal.CreateUserAsync(email, password, role);
        return await LogInAsync(email, password);
    }

    /// <summary>Signs an existing account in through the login form, in a new browser context (a fresh cookie after the clock moved).</summary>
    public async Task<IPage> LogInAsync(string email, string password = "a long member passphrase")
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        // The address is enough: what the test does next waits for its own elements, and the landing page (the Owner's
        // dashboard) need not finish loading every chart first on a busy machine.
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"), new() { WaitUntil = WaitUntilState.Commit });
        return page;
    }

    /// <summary>Checkout's card step on the test gateway: the card, a future expiry, the CVC, then "Pay".</summary>
    public static async Task PayAsync(IPage page, string card = "4242 4242 4242 4242")
    {
        await Input(page, "card-number").FillAsync(card);
        await Input(page, "card-expiry").FillAsync("12/30");
        await Input(page, "card-cvc").FillAsync("123");
        await page.GetByTestId("pay").ClickAsync();
    }

    /// <summary>Checkout's shipping address: the name and street given, in Springfield, IL 62701.</summary>
    public static async Task ShipToAsync(IPage page, string name = "Ada Lovelace", string line1 = "1 Main Street")
    {
        await Input(page, "ship-name").FillAsync(name);
        await Input(page, "ship-line1").FillAsync(line1);
        await Input(page, "ship-city").FillAsync("Springfield");
        await Input(page, "ship-region").FillAsync("IL");
        await Input(page, "ship-postal").FillAsync("62701");
    }

    /// <summary>Opens a MudSelect by its data-testid and clicks the option with the given text.</summary>
    public static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = false }).First.ClickAsync();
    }

    /// <summary>
    /// MudBlazor's input debounce runs on the app's TimeProvider, which the tests own: after typing into a debounced
    /// field, move the clock past the interval a few times (the input event reaches the server asynchronously).
    /// </summary>
    public async Task SettleDebounceAsync(IPage page)
    {
        for (var i = 0; i < 5; i++)
        {
            await page.WaitForTimeoutAsync(200);
            Portal.Clock.Advance(TimeSpan.FromMilliseconds(400));
        }
    }

    /// <summary>A MudBlazor text field by its data-testid (MudBlazor puts the attribute on the input or on its wrapper).</summary>
    public static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    /// <summary>
    /// Waits until the page at the current address takes clicks: an interactive page once its circuit is live (a
    /// prerendered button looks live before, but a click then is lost), a static page at once. The marker names its
    /// page, so after an enhanced navigation the last page's marker does not count.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page)
    {
        var path = new Uri(page.Url).AbsolutePath.Replace("\\", "\\\\").Replace("'", "\\'");
        return page.Locator($"#circuit-ready[data-path='{path}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>
    /// Clicks an editor's save button and waits for the page it leads to. When the address has not changed after a while,
    /// the failure says why: the refusal the editor shows, Blazor's error bar, or a click that never reached the server
    /// (then it is clicked once more; the editor ignores a second save while one runs).
    /// </summary>
    public static async Task SaveAndWaitForAsync(IPage page, string saveTestId, Regex destination)
    {
        await page.GetByTestId(saveTestId).ClickAsync();
        try
        {
            await page.WaitForURLAsync(destination, new() { Timeout = 20_000, WaitUntil = WaitUntilState.Commit });
            return;
        }
        catch (TimeoutException)
        {
        }
        var refused = page.GetByTestId("editor-errors");
        if (await refused.CountAsync() > 0)
            throw new InvalidOperationException($"The save was refused: {await refused.InnerTextAsync()}");
        if (await page.Locator("#blazor-error-ui").IsVisibleAsync())
            throw new InvalidOperationException("The page's circuit failed: Blazor's error bar is showing.");
        var save = page.GetByTestId(saveTestId);
        if (await save.CountAsync() > 0 && await save.IsEnabledAsync())
            await save.ClickAsync();
        await page.WaitForURLAsync(destination, new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Optional screenshots for a person to look at (PORTAL_SCREENSHOTS=folder).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = fullPage });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        Portal.Dispose();
    }
}
