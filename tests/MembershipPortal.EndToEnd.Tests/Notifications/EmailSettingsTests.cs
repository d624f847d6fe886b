using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Notifications;

public sealed class EmailSettingsTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Owner_EditsSubject_UnknownPlaceholderRefused_PreviewShowsRenderedText()
    {
        var page = await app.SignedInPageAsync($"owner{Guid.NewGuid():N}@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/settings/emails");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("notice-title")).ToHaveTextAsync("Payment failed");

        var subject = BrowserApp.Input(page, "template-subject");
        await subject.FillAsync("Card trouble for {{member.nickname}}");
        await page.GetByTestId("save-template").ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-errors")).ToContainTextAsync("Subject: unknown placeholder {{member.nickname}}.");

        await subject.FillAsync("Card trouble with {{plan.name}}, {{member.first_name}}");
        await page.GetByTestId("preview-template").ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-errors")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("preview-subject")).ToHaveTextAsync("Card trouble with Pro + Craft Kit, Ada");
        await Assertions.Expect(page.GetByTestId("preview-html")).ToContainTextAsync("We couldn't charge $31.00 to your card ending 4242");
        await Assertions.Expect(page.GetByTestId("preview-html").GetByRole(AriaRole.Link, new() { Name = "Update my card" })).ToBeVisibleAsync();

        await page.GetByTestId("save-template").ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-message")).ToContainTextAsync("Saved");
        await Assertions.Expect(page.GetByTestId("notice-payment-failed")).ToContainTextAsync("Edited");
        await BrowserApp.ScreenshotAsync(page, "admin-emails");

        await page.ReloadAsync();
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(BrowserApp.Input(page, "template-subject")).ToHaveValueAsync("Card trouble with {{plan.name}}, {{member.first_name}}");
    }

    [Fact]
    public async Task Owner_SeesDunningList_WithAmountAttemptsAndNextStep()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, $"{Guid.NewGuid():N}"[..6]);
        var failing = new CardDetails(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123");
        var member = await app.Portal.CreateUserAsync($"late{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var recovering = await app.Portal.CreateUserAsync($"back{Guid.NewGuid():N}@example.test", "a long member passphrase");
        using (var scope = app.Portal.Services.CreateScope())
        {
            var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
            Assert.True((await checkout.CheckoutAsync(member.Id, member.Email!, new CheckoutChoice { PriceId = catalog.ProMonthly }, failing)).Succeeded);
            Assert.True((await checkout.CheckoutAsync(recovering.Id, recovering.Email!, new CheckoutChoice { PriceId = catalog.BasicMonthly }, failing)).Succeeded);
        }
        app.Portal.Clock.Advance(TimeSpan.FromDays(31));
        await app.Portal.Services.GetRequiredService<RenewalRun>().RunOnceAsync(app.Portal.Clock.GetUtcNow());
        using (var scope = app.Portal.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new UpdateCard(recovering.Id, recovering.Email!, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123")))).Succeeded);

        var page = await app.SignedInPageAsync($"owner{Guid.NewGuid():N}@example.test", role: PortalRoles.Owner);
        await page.GotoAsync("/admin/dunning");
        await Assertions.Expect(page.GetByTestId("dunning-table")).ToContainTextAsync(member.Email!);
        await Assertions.Expect(page.GetByTestId("dunning-amount").First).ToHaveTextAsync("$19.00");
        await Assertions.Expect(page.GetByTestId("dunning-next").First).ToContainTextAsync("Retry 1 of 4 on");
        await Assertions.Expect(page.GetByText("MRR recovered this month").Locator("..")).ToContainTextAsync("$9.00");
        await BrowserApp.ScreenshotAsync(page, "admin-dunning");

        await page.GotoAsync("/admin/settings/billing");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(BrowserApp.Input(page, "retry-days")).ToHaveValueAsync("1, 3, 5, 7");
        await BrowserApp.ScreenshotAsync(page, "admin-billing-settings");
    }
}
