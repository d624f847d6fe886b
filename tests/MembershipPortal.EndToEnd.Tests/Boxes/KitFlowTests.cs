using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Boxes;

/// <summary>
/// The seeds' case in a browser: "Pro membership + monthly kit" bought in one checkout with a shipping address; the member
/// reads Pro content and skips the next month's kit; after the cut-off the Owner generates, exports and imports tracking
/// for the kit's parcels on /admin/fulfilment and the member gets the tracking email; the renewal paying for the skipped
/// month charges the membership only, and that month has no parcel for them.
/// </summary>
public sealed class KitFlowTests(BrowserAppWithMail fixture) : IClassFixture<BrowserAppWithMail>
{
    private readonly BrowserApp app = fixture.App;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    private AppDbContext Db() => app.Portal.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    [Fact]
    public async Task ProPlusKit_OneCheckout_ReadsPro_SkipsJanuarysKit_OwnerShipsDecember_TrackingEmail_JanuaryChargesProOnlyAndHasNoParcel()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        var content = await TestContent.CreateAsync(app.Portal, catalog, prefix);
        Guid kit;
        await using (var db = Db())
            kit = await db.Prices.Where(p => p.Id == catalog.KitMonthly).Select(p => p.ProductId).SingleAsync();
        var schedule = new BoxSchedule(12, 15, TimeZoneInfo.Utc); // the kit keeps the default calendar
        var (december, january) = (new CycleKey(2026, 12), new CycleKey(2027, 1));
        Assert.Equal(december, schedule.CycleFor(app.Portal.Clock.GetUtcNow()));

        // One checkout: Pro with the kit, the address asked because something in the cart ships.
        var email = $"kit{prefix}@example.test";
        var page = await app.SignedInPageAsync(email);
        await page.GotoAsync($"/checkout?price={catalog.ProMonthly}");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("ship-name")).ToHaveCountAsync(0); // Pro alone ships nothing
        await page.GetByText($"{prefix}Craft Kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$31.00"); // 19.00 + 12.00
        await BrowserApp.ShipToAsync(page, "Grace Hopper", "7 Kit Lane");
        await BrowserApp.PayAsync(page);
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        Guid subscriptionId;
        await using (var db = Db())
        {
            var memberId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            subscriptionId = await db.Subscriptions.Where(s => s.MemberId == memberId).Select(s => s.Id).SingleAsync();
        }

        // Pro content opens.
        await page.GotoAsync($"/content/{content.ProArticle}");
        await Assertions.Expect(page.GetByText(TestContent.Secret, new() { Exact = false })).ToBeVisibleAsync();

        // The kit is on the member's deliveries page; they skip January's kit.
        await page.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("next-box")).ToContainTextAsync("Your next kit is the December 2026 kit");
        await page.GetByTestId("skip-later").ClickAsync();
        await page.GetByTestId("skip-later-cycle").GetByText("The January 2027 kit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToHaveTextAsync("January 2027 (skipped)");
        await BrowserApp.ScreenshotAsync(page, "account-kit");

        // After December's cut-off the Owner finds the kit on /admin/fulfilment, generates, exports and imports tracking.
        app.Portal.Clock.SetUtcNow(schedule.CutoffOf(december).AddHours(1));
        var ownerEmail = $"owner{prefix}@example.test";
        await app.Portal.CreateUserAsync(ownerEmail, "a long member passphrase", PortalRoles.Owner);
        var owner = await app.LogInAsync(ownerEmail);
        await owner.GotoAsync("/admin/fulfilment");
        await BrowserApp.WaitForCircuitAsync(owner);
        await BrowserApp.ChooseAsync(owner, "box-product", $"{prefix}Craft Kit (kit)");
        await BrowserApp.ChooseAsync(owner, "box-cycle", "December 2026");
        await owner.GetByTestId("box-generate").ClickAsync();
        var row = owner.GetByTestId("box-shipments").Locator("tbody tr", new() { HasText = "Grace Hopper" });
        await Assertions.Expect(row).ToContainTextAsync("7 Kit Lane");
        await Assertions.Expect(row).ToContainTextAsync($"1 × {prefix}Craft Kit");
        await BrowserApp.ScreenshotAsync(owner, "admin-fulfilment-kit");

        var download = await owner.RunAndWaitForDownloadAsync(() => owner.GetByTestId("box-export").ClickAsync());
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines[1..], l => l.Contains("7 Kit Lane"));
        Assert.Contains($"1 × {prefix}Craft Kit", line);
        await owner.Locator("input[type=file][accept='.csv,text/csv']").SetInputFilesAsync(new FilePayload
        {
            Name = "tracking.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"shipment_id,carrier,tracking_number\n{line.Split(',')[0]},USPS,9400111899223100001234\n"),
        });
        await Assertions.Expect(owner.GetByTestId("box-import-result")).ToContainTextAsync("1 parcel marked shipped");

        // The member sees the tracking and that January's kit is skipped; the email arrives with a working tracking link.
        var member = await app.LogInAsync(email);
        await member.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(member);
        await Assertions.Expect(member.GetByTestId("tracking-link")).ToContainTextAsync("9400111899223100001234");
        await Assertions.Expect(member.GetByTestId("next-box")).ToContainTextAsync("You are skipping the January 2027 kit");
        await app.Portal.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        var mails = (await fixture.Mail.EmailsAsync())
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetProperty("address").GetString() == email)).ToList();
        var shipped = Assert.Single(mails, m => m.GetProperty("subject").GetString() == $"Your {prefix}Craft Kit is on its way");
        Assert.Contains($"In the parcel: 1 × {prefix}Craft Kit", shipped.GetProperty("text").GetString());
        var tracking = Regex.Match(shipped.GetProperty("html").GetString()!, "href=\"(https://tools\\.usps\\.com[^\"]+)\"");
        Assert.True(tracking.Success, "the email links to the carrier's tracking page");
        Assert.Contains("9400111899223100001234", tracking.Groups[1].Value);

        // The renewal on 23 December pays for January: the kit is skipped, so only Pro is charged; January has no parcel.
        app.Portal.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 1, 0, TimeSpan.Zero));
        await using (var scope = app.Portal.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RenewalRun>().RunOnceAsync(app.Portal.Clock.GetUtcNow());
        app.Portal.Clock.SetUtcNow(schedule.CutoffOf(january).AddHours(1));
        await using (var scope = app.Portal.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ShipmentService>().GenerateAsync(kit, january);
        await using (var db = Db())
        {
            var invoices = await db.Invoices.Where(i => i.SubscriptionId == subscriptionId).OrderBy(i => i.CreatedAt).Select(i => i.TotalMinor).ToListAsync();
            Assert.Equal([3100L, 1900L], invoices);
            Assert.Equal([december.ToString()], await db.Shipments.Where(s => s.SubscriptionId == subscriptionId).Select(s => s.Cycle).ToListAsync());
        }
        member = await app.LogInAsync(email);
        await member.GotoAsync($"/content/{content.ProArticle}");
        await Assertions.Expect(member.GetByText(TestContent.Secret, new() { Exact = false })).ToBeVisibleAsync(); // Pro goes on
    }
}
