using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Billing;

public sealed class BillingFlowTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private TestCatalog catalog = null!;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    public async Task InitializeAsync() => catalog = await TestCatalog.CreateAsync(app.Portal, prefix);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IPage> CheckoutAsync(Guid priceId)
    {
        var page = await app.SignedInPageAsync($"buyer{Guid.NewGuid():N}@example.test");
        await page.GotoAsync($"/checkout?price={priceId}");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.ScreenshotAsync(page, "checkout-open");
        return page;
    }

    [Fact]
    public async Task Member_BuysProMonthlyWithKit_SeesItInBilling()
    {
        var page = await CheckoutAsync(catalog.ProMonthly);
        await page.GetByText($"{prefix}Craft Kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$31.00");
        await BrowserApp.ShipToAsync(page);
        await BrowserApp.ScreenshotAsync(page, "checkout");
        await BrowserApp.PayAsync(page, "4242 4242 4242 4242");

        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByTestId("welcome")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Pro");
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Craft Kit");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");
        await Assertions.Expect(page.GetByTestId("invoice-row")).ToHaveCountAsync(1);
        await BrowserApp.ScreenshotAsync(page, "billing");
    }

    [Fact]
    public async Task Member_DeclinedCard_SeesMessageAndHasNoSubscription()
    {
        var page = await CheckoutAsync(catalog.ProMonthly);
        await BrowserApp.PayAsync(page, "4000 0000 0000 0002");

        await Assertions.Expect(page.GetByTestId("checkout-error")).ToHaveTextAsync("Your card was declined.");
        await BrowserApp.ScreenshotAsync(page, "declined");
        await page.GotoAsync("/account/billing");
        await Assertions.Expect(page.GetByText("You have no subscriptions yet.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Member_UpgradesWithProrationThenCancelsWithReasonAndResumes()
    {
        var page = await CheckoutAsync(catalog.BasicMonthly);
        await BrowserApp.PayAsync(page, "4242 4242 4242 4242");
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);

        await page.GetByTestId("change-plan").ClickAsync();
        await page.Locator($"[data-testid='plan-{prefix}Pro-month']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("proration")).ToContainTextAsync("You pay $10.00 today");
        await BrowserApp.ScreenshotAsync(page, "upgrade-preview");
        await page.GetByTestId("confirm-plan").ClickAsync();
        await Assertions.Expect(page.GetByTestId("billing-message")).ToContainTextAsync("You are now on");
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Pro");
        await Assertions.Expect(page.GetByTestId("invoice-row")).ToHaveCountAsync(2);

        await page.GetByTestId("cancel").ClickAsync();
        await page.GetByTestId("reason-Too").ClickAsync();
        await BrowserApp.ScreenshotAsync(page, "cancel-dialog");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewal")).ToContainTextAsync("Cancelled: access until");
        await page.GetByTestId("resume").ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewal")).ToContainTextAsync("Renews on");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");
    }

    [Fact]
    public async Task Visitor_SignsUpInlineAtCheckout_KeepsAddOnAndBuys()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/checkout?price={catalog.ProMonthly}");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByText($"{prefix}Craft Kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$31.00");

        // A weak password is refused in place and creates nothing.
        var email = $"inline{Guid.NewGuid():N}@example.test";
        await BrowserApp.Input(page, "signup-email").FillAsync(email);
        await BrowserApp.Input(page, "signup-password").FillAsync("short");
        await page.GetByTestId("checkout-register").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signup-errors")).ToContainTextAsync("12");

        await BrowserApp.Input(page, "signup-name").FillAsync("Ada");
        await BrowserApp.Input(page, "signup-password").FillAsync("a long inline passphrase");
        await BrowserApp.ScreenshotAsync(page, "checkout-inline-signup");
        await page.GetByTestId("checkout-register").ClickAsync();

        // Back on the same checkout, signed in, with the kit still chosen.
        await page.WaitForURLAsync(new Regex("/checkout\\?price=.*addons="), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("card-number")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$31.00");
        await BrowserApp.ShipToAsync(page);
        await BrowserApp.PayAsync(page, "4242 4242 4242 4242");
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Craft Kit");

        // The confirmation email went out as for the register page.
        var mail = Directory.GetFiles(app.Portal.MailDirectory, "*.eml").Select(File.ReadAllText).Where(m => m.Contains(email, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(mail, m => m.Contains("ConfirmEmail", StringComparison.Ordinal));
    }
}
