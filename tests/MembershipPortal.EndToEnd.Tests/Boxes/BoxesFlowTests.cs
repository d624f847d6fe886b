using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Boxes;

public sealed class BoxesFlowTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    private AppDbContext Db() => app.Portal.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<IPage> LogInAsync(string email)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync("a long member passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        return page;
    }

    [Fact]
    public async Task Member_SubscribesAddsAnExtraPausesAndTakesItBack_OwnerGeneratesPrintsAndImportsTracking_MemberSeesIt()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        await using (var db = Db())
        {
            var box = await db.Prices.Where(p => p.Id == catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
            var mug = new Product { Name = prefix + "Mug", Slug = prefix + "mug", Kind = ProductKind.AddOn, AddOnBilling = AddOnBilling.OneTime, ShipsPhysically = true, AttachableTo = [box] };
            db.Products.Add(mug);
            db.Prices.Add(CatalogPrice.Create(mug.Id, new PriceTerms(new Money(1200, "USD"), BillingInterval.Month)));
            await db.SaveChangesAsync();
        }
        var schedule = new BoxSchedule(12, 15, TimeZoneInfo.Utc);
        var cycle = schedule.CycleFor(app.Portal.Clock.GetUtcNow());

        var email = $"boxer{prefix}@example.test";
        var page = await app.SignedInPageAsync(email);
        await page.GotoAsync($"/checkout?price={catalog.BoxMonthly}");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.Input(page, "ship-name").FillAsync("Ada Lovelace");
        await BrowserApp.Input(page, "ship-line1").FillAsync("1 Main Street");
        await BrowserApp.Input(page, "ship-city").FillAsync("Springfield");
        await BrowserApp.Input(page, "ship-region").FillAsync("IL");
        await BrowserApp.Input(page, "ship-postal").FillAsync("62701");
        await BrowserApp.Input(page, "card-number").FillAsync("4242 4242 4242 4242");
        await BrowserApp.Input(page, "card-expiry").FillAsync("12/30");
        await BrowserApp.Input(page, "card-cvc").FillAsync("123");
        await page.GetByTestId("pay").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/billing"));

        await page.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("add-extra")).ToContainTextAsync("$12.00");
        await page.GetByTestId("add-extra").ClickAsync();
        await Assertions.Expect(page.GetByTestId("box-extra")).ToContainTextAsync("Mug");
        await page.GetByTestId("pause-box").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToContainTextAsync("(paused)");
        await BrowserApp.ScreenshotAsync(page, "account-boxes");
        await page.GetByTestId("skipped-box").Locator(".mud-chip-close-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToHaveCountAsync(0);
        await page.GotoAsync("/account/addresses");
        await Assertions.Expect(page.GetByTestId("address")).ToContainTextAsync("1 Main Street");
        await BrowserApp.ScreenshotAsync(page, "account-addresses");

        // After the cut-off the Owner generates the cycle, prints the slips and imports the partner's tracking file.
        app.Portal.Clock.SetUtcNow(schedule.CutoffOf(cycle).AddHours(1));
        var owner = await app.SignedInPageAsync($"owner{prefix}@example.test", role: PortalRoles.Owner);
        await owner.GotoAsync("/admin/boxes");
        await BrowserApp.WaitForCircuitAsync(owner);
        await owner.GetByTestId("box-generate").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("box-count")).ToHaveTextAsync("1");
        await Assertions.Expect(owner.GetByText($"1 × {prefix}Mug (one-time)").First).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(owner, "admin-boxes");

        var slips = await owner.Context.NewPageAsync();
        await slips.GotoAsync(await owner.GetByTestId("box-slips").GetAttributeAsync("href") ?? "");
        await Assertions.Expect(slips.GetByTestId("slip")).ToHaveCountAsync(1);
        await Assertions.Expect(slips.GetByTestId("slip")).ToContainTextAsync("Ada Lovelace");
        await BrowserApp.ScreenshotAsync(slips, "packing-slips");
        await slips.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(owner.GetByTestId("box-slips")).ToBeVisibleAsync();
        await Assertions.Expect(slips.Locator(".mud-appbar")).ToBeHiddenAsync();
        await BrowserApp.ScreenshotAsync(slips, "packing-slips-print");

        Guid shipmentId;
        await using (var db = Db())
            shipmentId = await db.Shipments.Where(s => s.Cycle == cycle.ToString() && db.Users.Any(u => u.Id == s.MemberId && u.Email == email)).Select(s => s.Id).SingleAsync();
        await owner.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload
        {
            Name = "tracking.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"shipment_id,carrier,tracking_number\n{shipmentId},UPS,1Z999AA10123456784\n"),
        });
        await Assertions.Expect(owner.GetByTestId("box-import-result")).ToContainTextAsync("1 box(es) marked shipped");

        var member = await LogInAsync(email); // the first session's cookie ran out while the clock moved on
        await member.GotoAsync("/account/boxes");
        await Assertions.Expect(member.GetByTestId("tracking-link")).ToContainTextAsync("1Z999AA10123456784");
        await BrowserApp.ScreenshotAsync(member, "account-boxes-shipped");
        await using var check = Db();
        Assert.Equal(1, await check.Outbox.CountAsync(o => o.Kind == "box-shipped" && o.ToAddress == email));
    }
}
