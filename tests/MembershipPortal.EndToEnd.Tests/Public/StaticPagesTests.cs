using System.Text.RegularExpressions;
using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Public;

/// <summary>
/// The pages people read hold no circuit: no <c>_blazor</c> WebSocket or long-polling connection is opened on them,
/// anonymous or signed in, and moving between them is enhanced navigation (the document is not reloaded). The pages
/// that manage something (billing, the admin area) still open their circuit.
/// </summary>
public sealed class StaticPagesTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private const string Password = "a long member passphrase";
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];
    private TestCatalog catalog = null!;
    private TestContent content = null!;

    public async Task InitializeAsync()
    {
        catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        content = await TestContent.CreateAsync(app.Portal, catalog, prefix);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every address the page asked for that belongs to Blazor's circuit transport.</summary>
    private static List<string> WatchCircuits(IPage page)
    {
        var seen = new List<string>();
        page.WebSocket += (_, socket) => { lock (seen) seen.Add("websocket " + socket.Url); };
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
                lock (seen)
                    seen.Add(request.Method + " " + request.Url);
        };
        return seen;
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await BrowserApp.WaitForCircuitAsync(page);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    [Fact]
    public async Task Visitor_ReadsThePublicPages_WithoutACircuit_AndMovesBetweenThemWithoutReloading()
    {
        var page = await app.NewPageAsync();
        var circuits = WatchCircuits(page);
        foreach (var path in new[]
        {
            "/", "/pricing", "/pricing?period=yearly", $"/products/{prefix}pro", "/content", $"/content?q=Title&kind=Article",
            $"/content/{content.PublicArticle}", $"/content/{content.ProArticle}", "/courses", $"/courses/{content.Course}",
        })
        {
            await OpenAsync(page, path);
            Assert.Equal("true", await page.GetByTestId("circuit-ready").GetAttributeAsync("data-static"));
        }
        Assert.True(circuits.Count == 0, "circuit traffic on a static page: " + string.Join(", ", circuits));

        // Enhanced navigation: a link from one static page to another patches the document instead of reloading it.
        await OpenAsync(page, "/");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        await page.Locator(".portal-only-wide").GetByRole(AriaRole.Link, new() { Name = "Library" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/content$"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Library", Level = 1 })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the library link reloaded the document");
        await page.Locator(".portal-only-wide").GetByRole(AriaRole.Link, new() { Name = "Pricing" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plans and pricing", Level = 1 })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the pricing link reloaded the document");
        Assert.True(circuits.Count == 0, "circuit traffic on a static page: " + string.Join(", ", circuits));
    }

    [Fact]
    public async Task Member_ReadsAndCompletesLessons_WithoutACircuit_ButBillingAndAdminOpenOne()
    {
        var email = $"static{prefix}@example.test";
        var user = await app.Portal.CreateUserAsync(email, Password);
        using (var scope = app.Portal.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>()
                .CheckoutAsync(user.Id, email, new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
            Assert.True(outcome.Succeeded, outcome.Error);
        }
        var page = await app.LogInAsync(email, Password);
        var circuits = WatchCircuits(page);

        foreach (var path in new[] { "/account", "/content", $"/content/{content.ProArticle}", $"/courses/{content.Course}" })
            await OpenAsync(page, path);
        await page.GetByTestId("continue").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-title")).ToHaveTextAsync("Lesson one");
        await page.GetByTestId("complete-lesson").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lesson-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("lesson-progress")).ToHaveTextAsync("1 of 3 lessons complete");
        Assert.True(circuits.Count == 0, "circuit traffic on a member's reading page: " + string.Join(", ", circuits));

        await page.GotoAsync("/account/billing");
        await BrowserApp.WaitForCircuitAsync(page);
        Assert.Null(await page.GetByTestId("circuit-ready").GetAttributeAsync("data-static"));
        Assert.Contains(circuits, c => c.StartsWith("websocket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Owner_AdminPages_StillOpenACircuit()
    {
        var page = await app.SignedInPageAsync($"owner{prefix}@example.test", role: "Owner");
        var circuits = WatchCircuits(page);
        await page.GotoAsync("/admin/members");
        await BrowserApp.WaitForCircuitAsync(page);
        Assert.Null(await page.GetByTestId("circuit-ready").GetAttributeAsync("data-static"));
        Assert.Contains(circuits, c => c.StartsWith("websocket", StringComparison.Ordinal));
    }
}
