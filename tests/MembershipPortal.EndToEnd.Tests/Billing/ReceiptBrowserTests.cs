using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Billing;

/// <summary>The member opens a partly refunded receipt from the billing page on a desktop and a phone, and downloads its PDF.</summary>
public sealed class ReceiptBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private async Task<string> RefundedMemberAsync()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, $"{Guid.NewGuid():N}"[..4] + " ");
        var services = app.Portal.Services;
        await using (var scope = services.CreateAsyncScope())
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<BusinessSettings>().SaveAsync(new BusinessProfile
            {
                BusinessName = "Yarn Club Ltd",
                ReportingCurrency = "USD",
                TimeZoneId = "UTC",
                BusinessAddress = "12 Wool Street\nLeeds LS1 4AP\nUnited Kingdom",
                TaxId = "GB123456789",
            }));
        var email = $"receipt{Guid.NewGuid():N}@example.test";
        var member = await app.Portal.CreateUserAsync(email, "a long member passphrase");
        await using (var scope = services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(member.Id, email,
                new CheckoutChoice
                {
                    PriceId = catalog.ProMonthly,
                    AddOnPriceIds = [catalog.KitMonthly],
                    Shipping = new AddressInput { Name = "Ada Lovelace", Line1 = "1 Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" }
                },
                new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
            Assert.True(outcome.Succeeded, outcome.Error);
        }
        Payment payment;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            payment = await db.Payments.SingleAsync(p => p.MemberId == member.Id);
        var owner = await app.Portal.CreateUserAsync($"owner{Guid.NewGuid():N}@example.test", "a long owner passphrase", PortalRoles.Owner);
        AuditAmbient.Current = new AuditActor(owner.Id, owner.Email!, PortalRoles.Owner);
        try
        {
            await using var scope = services.CreateAsyncScope();
            var refund = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new RefundPayment(member.Id, payment.Id, 1200));
            Assert.True(refund.Succeeded, refund.Message);
        }
        finally
        {
            AuditAmbient.Current = null;
        }
        return email;
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Member_OpensReceiptFromBilling_SeesLinesRefundAndStatusInWords_DownloadsThePdf(int width)
    {
        var email = await RefundedMemberAsync();
        var page = await app.NewPageAsync();
        await page.SetViewportSizeAsync(width, 844);
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync("a long member passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"), new() { WaitUntil = WaitUntilState.Commit });
        await page.GotoAsync("/account/billing");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Receipt", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("receipt-status")).ToHaveTextAsync("Partially refunded");
        await Assertions.Expect(page.GetByTestId("receipt-line").First).ToContainTextAsync("Monthly plan ($19.00 / month)");
        await Assertions.Expect(page.GetByTestId("receipt-refund")).ToContainTextAsync("−$12.00");
        await Assertions.Expect(page.GetByTestId("receipt-seller")).ToContainTextAsync("Tax ID: GB123456789");
        await BrowserApp.ScreenshotAsync(page, $"receipt-{width}");
        // Nothing sticks out sideways on a phone: the page is as wide as the screen.
        var wide = await page.EvaluateAsync<string>(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= width, $"the receipt scrolls sideways: {wide}");
        await Axe.AssertCleanAsync(page, $"receipt at {width} px");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("receipt-pdf").ClickAsync());
        var path = Path.Combine(app.Portal.Root, $"receipt-{width}.pdf");
        await download.SaveAsAsync(path);
        Assert.StartsWith("receipt-INV-", download.SuggestedFilename);
        Assert.Equal("%PDF-"u8.ToArray(), (await File.ReadAllBytesAsync(path))[..5]);
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } dir)
            File.Copy(path, Path.Combine(dir, $"receipt-{width}.pdf"), overwrite: true);
    }
}
