using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using MimeKit;

namespace MembershipPortal.EndToEnd.Tests.Accounts;

public sealed class RegistrationTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task NewVisitor_RegistersConfirmsByEmailAndLogsIn_ThenFiveWrongPasswordsLockTheAccount()
    {
        var page = await app.NewPageAsync();
        const string email = "new.member@example.test";

        await page.GotoAsync("/Account/Register");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(Password);
        await page.Locator("[id='Input.ConfirmPassword']").FillAsync(Password);
        await BrowserApp.ScreenshotAsync(page, "register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/Account/RegisterConfirmation"), new() { WaitUntil = WaitUntilState.Commit });

        // Not confirmed yet: login is refused.
        await LogInAsync(page, email, Password);
        Assert.DoesNotMatch("/account$", page.Url);

        var link = await ConfirmationLinkAsync(email);
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();

        await LogInAsync(page, email, Password);
        await page.GotoAsync("/account");
        await Assertions.Expect(page.GetByTestId("account-heading")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "account");

        // Lockout: five wrong passwords from a fresh browser.
        var attacker = await app.NewPageAsync();
        for (var i = 0; i < 5; i++)
            await LogInAsync(attacker, email, "definitely the wrong one");
        await Assertions.Expect(attacker).ToHaveURLAsync(new Regex("/Account/Lockout"));
        await Assertions.Expect(attacker.GetByTestId("lockout")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(attacker, "lockout");

        // Even the right password is refused while locked.
        await LogInAsync(attacker, email, Password);
        await Assertions.Expect(attacker).ToHaveURLAsync(new Regex("/Account/Lockout"));
    }

    private static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    private async Task<string> ConfirmationLinkAsync(string email)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            foreach (var file in Directory.Exists(app.Portal.MailDirectory) ? Directory.GetFiles(app.Portal.MailDirectory, "*.eml") : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(m => m.Address == email) && (message.Subject ?? "").Contains("Confirm"))
                    return Regex.Match(message.TextBody ?? "", @"https?://\S+ConfirmEmail\S+").Value;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No confirmation email for {email} in {app.Portal.MailDirectory}");
    }
}
