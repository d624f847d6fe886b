using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Boxes;

/// <summary>The whole box round in a browser, from the Owner describing the month's box to the "box shipped" email in maildev.</summary>
public sealed class BoxesFlowTests(BrowserAppWithMail fixture) : IClassFixture<BrowserAppWithMail>
{
    private const string ExportHeader = "shipment_id,cycle,name,line1,line2,city,region,postal_code,country,items,status,carrier,tracking_number";
    private readonly BrowserApp app = fixture.App;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    private AppDbContext Db() => app.Portal.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private static ILocator TextArea(IPage page, string testId) =>
        page.Locator($"textarea[data-testid='{testId}'], [data-testid='{testId}'] textarea").First;

    /// <summary>A real PNG of a box, drawn by the browser itself (nothing to check in, nothing to fetch).</summary>
    private async Task<byte[]> BoxPictureAsync()
    {
        var canvas = await app.NewPageAsync();
        await canvas.SetContentAsync("""
            <body style="margin:0">
              <div style="width:480px;height:360px;display:flex;align-items:center;justify-content:center;
                          background:linear-gradient(135deg,#7b4a2e,#c58b52 55%,#f3d9a4);font:600 38px/1.2 sans-serif;color:#fff8ec">
                <div style="border:6px solid #fff8ec;border-radius:18px;padding:28px 36px;text-align:center">Winter spices<br><small style="font-size:22px">December box</small></div>
              </div>
            </body>
            """);
        var png = await canvas.ScreenshotAsync(new() { Type = ScreenshotType.Png, Clip = new() { X = 0, Y = 0, Width = 480, Height = 360 } });
        await canvas.Context.CloseAsync();
        return png;
    }

    [Fact]
    public async Task Member_SubscribesWithAddOn_AddsExtra_SkipsALaterBox_MovesAddress_OwnerGeneratesExportsAndImportsTracking_MemberSeesItAndGetsTheEmail()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        await using (var db = Db())
        {
            var box = await db.Prices.Where(p => p.Id == catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
            var mug = new Product { Name = prefix + "Mug", Slug = prefix + "mug", Kind = ProductKind.AddOn, AddOnBilling = AddOnBilling.OneTime, ShipsPhysically = true, AttachableTo = [box] };
            var honey = new Product { Name = prefix + "Honey", Slug = prefix + "honey", Kind = ProductKind.AddOn, AddOnBilling = AddOnBilling.Recurring, ShipsPhysically = true, AttachableTo = [box] };
            db.Products.AddRange(mug, honey);
            db.Prices.Add(CatalogPrice.Create(mug.Id, new PriceTerms(new Money(1200, "USD"), BillingInterval.Month)));
            db.Prices.Add(CatalogPrice.Create(honey.Id, new PriceTerms(new Money(500, "USD"), BillingInterval.Month)));
            await db.SaveChangesAsync();
        }
        var schedule = new BoxSchedule(12, 15, TimeZoneInfo.Utc);
        var cycle = schedule.CycleFor(app.Portal.Clock.GetUtcNow()); // December 2026: open until the end of the 12th
        Assert.Equal(new CycleKey(2026, 12), cycle);

        // The Owner describes December's box, with a picture.
        var ownerEmail = $"owner{prefix}@example.test";
        var owner = await app.SignedInPageAsync(ownerEmail, role: PortalRoles.Owner);
        await owner.GotoAsync("/admin/boxes");
        await BrowserApp.WaitForCircuitAsync(owner);
        await BrowserApp.ChooseAsync(owner, "box-cycle", "December 2026");
        await Assertions.Expect(owner.GetByTestId("cycle-content")).ToContainTextAsync("What's in the December 2026 box");
        await BrowserApp.Input(owner, "cycle-content-title").FillAsync("Winter spices");
        await TextArea(owner, "cycle-content-description").FillAsync("Three teas for **cold evenings**, blended in small batches.\n\nBrew the chai with milk.");
        await TextArea(owner, "cycle-content-lines").FillAsync("Masala chai, 50 g\nRooibos vanilla, 50 g\nGinger honey stick");
        await owner.Locator("[data-testid='cycle-content'] input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "december.png",
            MimeType = "image/png",
            Buffer = await BoxPictureAsync(),
        });
        await Assertions.Expect(owner.GetByTestId("cycle-content-image")).ToBeVisibleAsync();
        await owner.GetByTestId("cycle-content-save").ClickAsync();
        await Assertions.Expect(owner.GetByText("Members of this box see it")).ToBeVisibleAsync();
        await Assertions.Expect(owner.GetByTestId("cycle-content-description-preview")).ToContainTextAsync("cold evenings");
        await BrowserApp.ScreenshotAsync(owner, "admin-boxes-content");

        // A member subscribes to the box with the recurring honey add-on.
        var email = $"boxer{prefix}@example.test";
        var page = await app.SignedInPageAsync(email);
        await page.GotoAsync($"/checkout?price={catalog.BoxMonthly}");
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByText($"{prefix}Honey").ClickAsync();
        await Assertions.Expect(page.GetByTestId("first-charge")).ToContainTextAsync("$30.00");
        await BrowserApp.ShipToAsync(page);
        await BrowserApp.PayAsync(page);
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });

        // Their box page: December's content, a one-time extra, a pause taken back, and January skipped (December still comes).
        await page.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("upcoming-content-heading")).ToHaveTextAsync("What's in your December box");
        await Assertions.Expect(page.GetByTestId("box-content-title")).ToHaveTextAsync("Winter spices");
        await Assertions.Expect(page.GetByTestId("box-content-description").Locator("strong")).ToHaveTextAsync("cold evenings");
        await Assertions.Expect(page.GetByTestId("box-content-item")).ToHaveTextAsync(["Masala chai, 50 g", "Rooibos vanilla, 50 g", "Ginger honey stick"]);
        await Assertions.Expect(page.GetByTestId("box-content-image")).ToHaveJSPropertyAsync("naturalWidth", 480);
        await Assertions.Expect(page.GetByTestId("add-extra")).ToContainTextAsync("$12.00");
        await page.GetByTestId("add-extra").ClickAsync();
        await Assertions.Expect(page.GetByTestId("box-extra")).ToContainTextAsync("Mug");
        await page.GetByTestId("pause-box").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToContainTextAsync("(paused)");
        await page.GetByTestId("skipped-box").Locator(".mud-chip-close-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToHaveCountAsync(0);
        await page.GetByTestId("skip-later").ClickAsync();
        await page.GetByTestId("skip-later-cycle").GetByText("The January 2027 box").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skipped-box")).ToHaveTextAsync("January 2027 (skipped)");
        await Assertions.Expect(page.GetByTestId("next-box")).ToContainTextAsync("Your next box is the December 2026 box");

        // Before the cut-off the member adds an office address and sends the box there.
        await page.GotoAsync("/account/addresses");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("address")).ToContainTextAsync("1 Main Street");
        await BrowserApp.Input(page, "address-label").FillAsync("Office");
        await BrowserApp.Input(page, "address-name").FillAsync("Ada Lovelace");
        await BrowserApp.Input(page, "address-line1").FillAsync("500 Market Street");
        await BrowserApp.Input(page, "address-city").FillAsync("San Francisco");
        await BrowserApp.Input(page, "address-region").FillAsync("CA");
        await BrowserApp.Input(page, "address-postal").FillAsync("94105");
        await page.GetByTestId("address-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("address")).ToHaveCountAsync(2);
        await BrowserApp.ScreenshotAsync(page, "account-addresses");
        await page.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.ChooseAsync(page, "ship-to", "500 Market Street");
        await Assertions.Expect(page.GetByText("Address changed: your next boxes go there.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Ships to" })).ToContainTextAsync("Office: Ada Lovelace, 500 Market Street");
        await BrowserApp.ScreenshotAsync(page, "account-boxes");

        // After the cut-off the Owner generates December: the honey, the mug and the new address are in the box.
        app.Portal.Clock.SetUtcNow(schedule.CutoffOf(cycle).AddHours(1));
        owner = await app.LogInAsync(ownerEmail); // the first session's cookie ran out while the clock moved on
        await owner.GotoAsync("/admin/boxes");
        await BrowserApp.WaitForCircuitAsync(owner);
        await owner.GetByTestId("box-generate").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("box-count")).ToHaveTextAsync("1");
        var row = owner.GetByTestId("box-shipments").Locator("tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("500 Market Street, San Francisco 94105, US");
        await Assertions.Expect(row).ToContainTextAsync($"1 × {prefix}Tea Box, 1 × {prefix}Honey, 1 × {prefix}Mug (one-time)");
        await Assertions.Expect(BrowserApp.Input(owner, "cycle-content-title")).ToHaveValueAsync("Winter spices"); // December's content, below the shipments
        await BrowserApp.ScreenshotAsync(owner, "admin-boxes");

        // The partner's CSV, downloaded through the page.
        var download = await owner.RunAndWaitForDownloadAsync(() => owner.GetByTestId("box-export").ClickAsync());
        Assert.Equal("shipments-2026-12.csv", download.SuggestedFilename);
        var csv = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExportHeader, csv[0].TrimStart('\uFEFF'));
        var line = Assert.Single(csv[1..]);
        Assert.Contains(",2026-12,Ada Lovelace,500 Market Street,,San Francisco,CA,94105,US,", line);
        Assert.Contains($"1 × {prefix}Honey", line);
        Assert.Contains($"1 × {prefix}Mug (one-time)", line);
        Assert.EndsWith(",Pending,,", line);

        var slips = await owner.Context.NewPageAsync();
        await slips.GotoAsync(await owner.GetByTestId("box-slips").GetAttributeAsync("href") ?? "");
        await Assertions.Expect(slips.GetByTestId("slip")).ToHaveCountAsync(1);
        await Assertions.Expect(slips.GetByTestId("slip")).ToContainTextAsync("500 Market Street");
        await BrowserApp.ScreenshotAsync(slips, "packing-slips");
        await slips.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(slips.Locator(".mud-appbar")).ToBeHiddenAsync();
        await BrowserApp.ScreenshotAsync(slips, "packing-slips-print");

        // The export goes back with the carrier and tracking number filled in.
        var shipmentId = line.Split(',')[0];
        await owner.Locator("input[type=file][accept='.csv,text/csv']").SetInputFilesAsync(new FilePayload
        {
            Name = "tracking.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"shipment_id,carrier,tracking_number\n{shipmentId},UPS,1Z999AA10123456784\n"),
        });
        await Assertions.Expect(owner.GetByTestId("box-import-result")).ToContainTextAsync("1 parcel marked shipped");

        // The member sees the tracking link and what was in the box; January is skipped.
        var member = await app.LogInAsync(email);
        await member.GotoAsync("/account/boxes");
        await BrowserApp.WaitForCircuitAsync(member);
        await Assertions.Expect(member.GetByTestId("tracking-link")).ToContainTextAsync("1Z999AA10123456784");
        await Assertions.Expect(member.GetByTestId("next-box")).ToContainTextAsync("You are skipping the January 2027 box");
        await Assertions.Expect(member.GetByTestId("past-box-title")).ToHaveTextAsync("Winter spices");
        await member.GetByTestId("past-box-toggle").ClickAsync();
        await Assertions.Expect(member.GetByTestId("past-box-content").GetByTestId("box-content-item")).ToHaveCountAsync(3);
        await BrowserApp.ScreenshotAsync(member, "account-boxes-shipped");

        // The outbox delivers (the dispatcher job's unit, as the job would run it) and the email arrives in maildev.
        await app.Portal.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        var mails = (await fixture.Mail.EmailsAsync())
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetProperty("address").GetString() == email)).ToList();
        var shipped = Assert.Single(mails, m => m.GetProperty("subject").GetString() == $"Your {prefix}Tea Box is on its way");
        Assert.Contains("UPS", shipped.GetProperty("text").GetString());
        Assert.Contains("1Z999AA10123456784", shipped.GetProperty("text").GetString());
        Assert.Contains("https://www.ups.com/track?tracknum=1Z999AA10123456784", shipped.GetProperty("html").GetString());
    }
}
