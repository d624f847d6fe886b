using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MembershipPortal.EndToEnd.Tests.Emails;

/// <summary>
/// A member's whole round in the browser (register, confirm by email, buy, upgrade, a declined renewal, a new card,
/// cancel, the subscription ends), then every email the portal sent them, as it arrived over SMTP, opened in the browser
/// with every link followed the way the member would: each is on the portal's public address and lands on the page it
/// names, signed in; signed out, the pages that need an account ask for it and then open the same page.
/// </summary>
public sealed class MemberRoundEmailLinksTests(BrowserAppWithMail fixture, ITestOutputHelper output) : IClassFixture<BrowserAppWithMail>
{
    private const string Password = "a long member passphrase";
    private readonly BrowserApp app = fixture.App;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    [Fact]
    public async Task MemberRound_EveryEmailItProduced_EveryLinkOpensItsPageAtThePublicAddress()
    {
        var catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        await TurnOnWinBackAsync(days: 1); // the one marketing notice, so an unsubscribe link is in the round
        var email = $"round{prefix}@example.test";

        // Register in the browser and confirm from the email, in the browser.
        var page = await app.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await page.Locator("[id='Input.FirstName']").FillAsync("Ada");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(Password);
        await page.Locator("[id='Input.ConfirmPassword']").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/Account/RegisterConfirmation"), new() { WaitUntil = WaitUntilState.Commit });
        var confirmation = await WaitForMailAsync(email, m => Subject(m) == "Confirm your email");
        await page.SetContentAsync(Html(confirmation));
        await page.GetByRole(AriaRole.Link, new() { Name = "Confirm my email" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/Account/ConfirmEmail\\?"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByText("Thank you for confirming your email.")).ToBeVisibleAsync();
        await page.Locator(".portal-auth-card").GetByRole(AriaRole.Link, new() { Name = "Log in" }).ClickAsync();
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });

        // Buy Basic with a card that will be declined at renewal, then upgrade to Pro.
        await page.GotoAsync($"/checkout?price={catalog.BasicMonthly}");
        await BrowserApp.WaitForCircuitAsync(page);
        await BrowserApp.PayAsync(page, "4000 0000 0000 0341");
        await page.WaitForURLAsync(new Regex("/account/billing"), new() { WaitUntil = WaitUntilState.Commit });
        await BrowserApp.WaitForCircuitAsync(page);
        await page.GetByTestId("change-plan").ClickAsync();
        await page.Locator($"[data-testid='plan-{prefix}Pro-month']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("proration")).ToContainTextAsync("You pay $10.00 today");
        await page.GetByTestId("confirm-plan").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-name")).ToContainTextAsync("Pro");

        // A week before the renewal the reminder goes; on the day the card is declined.
        await MoveClockAndRunJobsAsync(new DateTimeOffset(2026, 12, 16, 12, 5, 0, TimeSpan.Zero));
        await MoveClockAndRunJobsAsync(new DateTimeOffset(2026, 12, 23, 12, 5, 0, TimeSpan.Zero));
        await WaitForMailAsync(email, m => Subject(m).StartsWith("Your payment for", StringComparison.Ordinal));

        // The member updates the card from the billing page (a fresh sign-in: the clock moved a month), then cancels.
        page = await app.LogInAsync(email, Password);
        await page.GotoAsync("/account/billing");
        await BrowserApp.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("past-due-banner")).ToBeVisibleAsync();
        await page.GetByTestId("update-card").ClickAsync();
        await BrowserApp.Input(page, "new-card-number").FillAsync("4242 4242 4242 4242");
        await BrowserApp.Input(page, "new-card-expiry").FillAsync("12/30");
        await BrowserApp.Input(page, "new-card-cvc").FillAsync("123");
        await page.GetByTestId("save-card").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");
        await page.GetByTestId("cancel").ClickAsync();
        await page.GetByTestId("reason-Too").ClickAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewal")).ToContainTextAsync("Cancelled: access until");

        // The period ends; a day later the win-back offer goes.
        await MoveClockAndRunJobsAsync(new DateTimeOffset(2027, 1, 23, 12, 5, 0, TimeSpan.Zero));
        await MoveClockAndRunJobsAsync(new DateTimeOffset(2027, 1, 24, 13, 0, 0, TimeSpan.Zero));

        // Every email the portal produced for the member reached the SMTP server, once.
        var outbox = await OutboxForAsync(email);
        Assert.All(outbox, o => Assert.Equal(OutboxStatus.Sent, o.Status));
        var mails = await WaitForMailAsync(email, outbox.Count);
        Assert.Equal(outbox.Select(o => o.Subject).Order(), mails.Select(Subject).Order());
        var kinds = outbox.Select(o => o.Kind).ToList();
        foreach (var kind in new[] { "email-confirmation", "welcome", "receipt", "renewal-reminder", "payment-failed", "payment-recovered", "cancellation-confirmed", "win-back" })
            Assert.Contains(kind, kinds);
        Assert.Equal(3, kinds.Count(k => k == "receipt")); // the first payment, the upgrade, the recovered renewal

        // Signed in, every link of every email opens its page.
        var member = await app.LogInAsync(email, Password);
        var followed = new List<string>();
        foreach (var mail in mails)
        {
            var links = await LinksAsync(member, mail);
            Assert.True(links.Count > 0, $"\"{Subject(mail)}\" has no link");
            for (var i = 0; i < links.Count; i++)
            {
                await member.SetContentAsync(Html(mail));
                var landed = await FollowAsync(member, member.Locator("a[href]").Nth(i));
                await AssertLandedAsync(member, landed, links[i], $"\"{Subject(mail)}\" → {links[i]}");
                followed.Add(links[i]);
                output.WriteLine($"{Subject(mail)}: {links[i]} → {await member.TitleAsync()}");
            }
        }
        Assert.Contains(followed, l => l.Contains("/email/unsubscribe?t=", StringComparison.Ordinal));

        // Signed out, each kind of page a link names asks for the account, then opens that page.
        foreach (var link in followed.Where(RequiresAccount).DistinctBy(PathKind))
        {
            var visitor = await app.NewPageAsync();
            await visitor.SetContentAsync($"<a href=\"{WebUtility.HtmlEncode(link)}\">open</a>");
            await FollowAsync(visitor, visitor.Locator("a"));
            await Assertions.Expect(visitor).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl="));
            await visitor.Locator("[id='Input.Email']").FillAsync(email);
            await visitor.Locator("[id='Input.Password']").FillAsync(Password);
            var landed = await visitor.RunAndWaitForResponseAsync(
                () => visitor.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync(), IsFinalDocument(visitor));
            await AssertLandedAsync(visitor, landed, link, $"{link} after logging in");
            await visitor.Context.CloseAsync();
        }

        // The unsubscribe link does what it says.
        var winBack = mails.Single(m => outbox.Any(o => o.Kind == "win-back" && o.Subject == Subject(m)));
        await member.SetContentAsync(Html(winBack));
        await FollowAsync(member, member.GetByRole(AriaRole.Link, new() { Name = "Unsubscribe" }));
        await member.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        await Assertions.Expect(member.GetByText("You are unsubscribed.", new() { Exact = false })).ToBeVisibleAsync();
        await using var db = Db();
        Assert.True(await db.EmailOptOuts.AnyAsync(o => o.NormalizedEmail == email.ToUpperInvariant()));
    }

    /// <summary>Clicks a link and returns the final answer for the document it opens (after any redirects).</summary>
    private static Task<IResponse> FollowAsync(IPage page, ILocator link) => page.RunAndWaitForResponseAsync(() => link.ClickAsync(), IsFinalDocument(page));

    private static Func<IResponse, bool> IsFinalDocument(IPage page) =>
        r => r.Request.IsNavigationRequest && r.Frame == page.MainFrame && r.Status is < 300 or >= 400;

    /// <summary>The link's own page answered 200 (no redirect to the log-in page, the error page or "not found") and shows what it is for.</summary>
    private async Task AssertLandedAsync(IPage page, IResponse landed, string link, string context)
    {
        Assert.True(landed.Status == 200, $"{context}: answered {landed.Status}");
        var expected = new Uri(link);
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == expected.PathAndQuery, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.True(new Uri(landed.Url).PathAndQuery == expected.PathAndQuery, $"{context}: landed on {landed.Url}");
        var title = await page.TitleAsync();
        Assert.False(title is "Not found" or "Error", $"{context}: the page is \"{title}\"");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Assertions.Expect(Marker(page, expected.AbsolutePath)).ToBeVisibleAsync();
    }

    /// <summary>What each page an email may link to shows when it opened as itself.</summary>
    private static ILocator Marker(IPage page, string path) => path switch
    {
        "/account" => page.GetByTestId("account-heading"),
        "/account/billing" => page.GetByTestId("card-summary"),
        _ when path.StartsWith("/account/billing/invoices/", StringComparison.Ordinal) => page.GetByTestId("receipt"),
        "/pricing" => page.GetByRole(AriaRole.Heading, new() { Name = "Plans and pricing" }),
        "/Account/ConfirmEmail" => page.GetByText("Thank you for confirming your email."),
        "/email/unsubscribe" => page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }),
        _ => throw new Xunit.Sdk.XunitException($"An email links to {path}, which this test does not know: add what the page shows."),
    };

    private static bool RequiresAccount(string link) => new Uri(link).AbsolutePath.StartsWith("/account", StringComparison.Ordinal);

    private static string PathKind(string link) => Regex.Replace(new Uri(link).AbsolutePath, "[0-9a-f]{8}-[0-9a-f-]{27}", "{id}");

    /// <summary>The email's links, each checked to start with the portal's public address (in tests, where Kestrel listens).</summary>
    private async Task<IReadOnlyList<string>> LinksAsync(IPage page, JsonElement mail)
    {
        await page.SetContentAsync(Html(mail));
        var links = await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        foreach (var link in links)
            Assert.True(link.StartsWith(app.BaseUrl + "/", StringComparison.Ordinal), $"\"{Subject(mail)}\": {link} is not at the public address {app.BaseUrl}");
        // The text part carries the same links.
        var text = mail.GetProperty("text").GetString() ?? "";
        foreach (var link in links)
            Assert.Contains(link, text);
        return links;
    }

    private async Task MoveClockAndRunJobsAsync(DateTimeOffset to)
    {
        app.Portal.Clock.SetUtcNow(to);
        await using (var scope = app.Portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RenewalRun>().RunOnceAsync(to);
            await scope.ServiceProvider.GetRequiredService<NoticeRun>().RunOnceAsync(to);
        }
        await app.Portal.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
    }

    private async Task TurnOnWinBackAsync(int days)
    {
        await using var scope = app.Portal.Services.CreateAsyncScope();
        var settings = scope.ServiceProvider.GetRequiredService<NoticeSettings>();
        var current = await settings.GetAsync();
        Assert.Null(await settings.SaveAsync(DunningPolicy.FormatDays(current.Reminders.ShortPeriodDays), DunningPolicy.FormatDays(current.Reminders.YearlyDays), days));
    }

    private AppDbContext Db() => app.Portal.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<List<OutboxMessage>> OutboxForAsync(string email)
    {
        await app.Portal.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        await using var db = Db();
        return await db.Outbox.AsNoTracking().Where(o => o.ToAddress == email).ToListAsync();
    }

    private static string Subject(JsonElement mail) => mail.GetProperty("subject").GetString() ?? "";

    private static string Html(JsonElement mail) => mail.GetProperty("html").GetString() ?? "";

    private async Task<List<JsonElement>> MailToAsync(string email) =>
        [.. (await fixture.Mail.EmailsAsync()).Where(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetProperty("address").GetString() == email))];

    /// <summary>The first email to <paramref name="email"/> that matches, waiting up to 30 s for the SMTP server to have it.</summary>
    private async Task<JsonElement> WaitForMailAsync(string email, Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if ((await MailToAsync(email)).FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"No such email to {email}; it has: {string.Join(" | ", (await MailToAsync(email)).Select(Subject))}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every email to <paramref name="email"/>, once <paramref name="count"/> of them have arrived, in arrival order.</summary>
    private async Task<List<JsonElement>> WaitForMailAsync(string email, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var mails = await MailToAsync(email);
            if (mails.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, mails.Count);
                return mails;
            }
            await Task.Delay(200);
        }
    }
}
