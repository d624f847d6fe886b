using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Accessibility;

/// <summary>
/// Checkout and cancelling with the keyboard only: Tab reaches every control the flow needs, Space and Enter work them,
/// arrows choose among radio buttons, and no Tab stop is a control the member cannot see.
/// </summary>
public sealed class KeyboardCheckoutTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Password = "a long member passphrase";
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    [Fact]
    public async Task Member_LogsInBuysWithShippedAddOnAndCancels_WithTheKeyboardOnly()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        var email = $"keys{prefix}@example.test";
        await app.Portal.CreateUserAsync(email, Password);
        var page = await app.NewPageAsync();

        // Log in.
        await page.GotoAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString($"/checkout?price={catalog.ProMonthly}")}");
        await TabToAsync(page, page.Locator("[id='Input.Email']"));
        await page.Keyboard.TypeAsync(email);
        await TabToAsync(page, page.Locator("[id='Input.Password']"));
        await page.Keyboard.TypeAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/checkout\\?price="), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);

        // Checkout: the mailed kit (Space), the address it ships to, the card, then Pay (Enter).
        await TabToAsync(page, page.GetByTestId($"addon-{prefix}Craft Kit"));
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$31.00");
        await TypeIntoAsync(page, BrowserApp.Input(page, "ship-name"), "Ada Lovelace");
        await TypeIntoAsync(page, BrowserApp.Input(page, "ship-line1"), "1 Main Street");
        await TypeIntoAsync(page, BrowserApp.Input(page, "ship-city"), "Springfield");
        await TypeIntoAsync(page, BrowserApp.Input(page, "ship-region"), "IL");
        await TypeIntoAsync(page, BrowserApp.Input(page, "ship-postal"), "62701");
        await TypeIntoAsync(page, BrowserApp.Input(page, "card-number"), "4242 4242 4242 4242");
        await TypeIntoAsync(page, BrowserApp.Input(page, "card-expiry"), "12/30");
        await TypeIntoAsync(page, BrowserApp.Input(page, "card-cvc"), "123");
        await TabToAsync(page, page.GetByTestId("pay"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Craft Kit");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");

        // Cancel: the dialog opens on its first control, the pause offer; Escape closes it and the focus goes back. Open it
        // again, Tab to the reasons, choose one (Space, then the arrows), confirm.
        await TabToAsync(page, page.GetByTestId("cancel"));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("save-pause-offer")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("cancel")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await TabToAsync(page, dialog.GetByRole(AriaRole.Radio).First);
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Radio).First).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Radio).Nth(1)).ToBeCheckedAsync();
        await TabToAsync(page, page.GetByTestId("confirm-cancel"));
        await Assertions.Expect(page.GetByTestId("confirm-cancel")).ToBeEnabledAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("renewal")).ToContainTextAsync("Cancelled: access until");
    }

    [Fact]
    public async Task PastDueMember_UpdatesTheCardFromTheBanner_WithTheKeyboardOnly()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        var email = $"late{prefix}@example.test";
        var member = await app.Portal.CreateUserAsync(email, Password);
        using (var scope = app.Portal.Services.CreateScope())
        {
            var bought = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(member.Id, email,
                new CheckoutChoice { PriceId = catalog.BasicMonthly }, new CardDetails(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123"));
            Assert.True(bought.Succeeded, bought.Error);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var renewal = await db.Subscriptions.Where(s => s.Id == bought.SubscriptionId).Select(s => s.CurrentPeriodEnd).SingleAsync();
            app.Portal.Clock.SetUtcNow(renewal.AddMinutes(1));
            await scope.ServiceProvider.GetRequiredService<RenewalRun>().RunOnceAsync(app.Portal.Clock.GetUtcNow());
        }
        var page = await app.LogInAsync(email, Password);
        await page.GotoAsync("/account/billing");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("past-due-banner")).ToBeVisibleAsync();

        // The banner's "Update your card" is a Tab stop; Enter opens the card dialog with the focus on the card number.
        await TabToAsync(page, page.GetByTestId("past-due-update-card"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(BrowserApp.Input(page, "new-card-number")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("4242 4242 4242 4242");
        await TypeIntoAsync(page, BrowserApp.Input(page, "new-card-expiry"), "12/30");
        await TypeIntoAsync(page, BrowserApp.Input(page, "new-card-cvc"), "123");
        await TabToAsync(page, page.GetByTestId("save-card"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");
        await Assertions.Expect(page.GetByTestId("past-due-banner")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Phone_MenuButtonOpensTheMenu_ItsLinksTakeTheFocusOnlyWhileOpen()
    {
        var page = await app.SignedInPageAsync($"menu{prefix}@example.test");
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/account");
        await BrowserApp.WaitForCircuitAsync(page);
        var drawer = page.Locator(".portal-nav-menu-panel");
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Library" })).Not.ToBeVisibleAsync();
        await TabToAsync(page, page.GetByTestId("nav-menu-button"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(drawer.GetByRole(AriaRole.Link, new() { Name = "Library" })).ToBeVisibleAsync();
        await TabToAsync(page, drawer.GetByRole(AriaRole.Link, new() { Name = "Library" }));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/content$"), new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Tabs to the field, types the text and leaves it with Tab (the field takes the value when it loses focus).</summary>
    private static async Task TypeIntoAsync(IPage page, ILocator field, string text)
    {
        await TabToAsync(page, field);
        await page.Keyboard.TypeAsync(text);
        await Assertions.Expect(field).ToHaveValueAsync(text);
    }

    /// <summary>
    /// Presses Tab until <paramref name="target"/> (or something inside it) has the focus. Every stop on the way must be
    /// on the screen: a Tab stop the member cannot see (a closed drawer's links) loses their place.
    /// </summary>
    private static async Task TabToAsync(IPage page, ILocator target, int maxPresses = 60)
    {
        await Assertions.Expect(target).ToBeAttachedAsync();
        var stops = new List<string>();
        for (var i = 0; i < maxPresses; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<string[]>(FocusedJs);
            stops.Add(stop[0]);
            Assert.True(stop[1] == "visible", $"Tab stop {i + 1} is not on the screen: {stop[0]}; stops so far: {string.Join(" → ", stops)}");
            if (await target.EvaluateAsync<bool>("el => el === document.activeElement || el.contains(document.activeElement)"))
                return;
        }
        throw new Xunit.Sdk.XunitException($"{maxPresses} Tab presses did not reach {target}: {string.Join(" → ", stops)}");
    }

    private const string FocusedJs = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return ['(page)', 'visible'];
          const name = `${e.tagName.toLowerCase()}${e.type ? '[' + e.type + ']' : ''} "${(e.getAttribute('aria-label') || e.innerText || e.getAttribute('data-testid') || e.id || '').trim().slice(0, 40)}"`;
          const r = e.getBoundingClientRect();
          const box = e.closest('label') ?? e;
          const b = box.getBoundingClientRect();
          const onScreen = b.width > 0 && b.height > 0 && b.right > 0 && b.bottom > 0 && b.left < innerWidth && b.top < innerHeight
            && box.checkVisibility({ visibilityProperty: true });
          return [name, onScreen ? 'visible' : 'hidden'];
        }
        """;
}
