using System.Net;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.ContentAdmin;

/// <summary>
/// Every public XSS payload saved through the editor as a Pro-only item's title, teaser and body (also inside Markdown
/// links and images), and kept for the Pro member's first name. Pages are fetched as anonymous, the Pro member and
/// the Owner.
/// </summary>
public sealed class StoredXssFixture : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    public IReadOnlyList<string> Payloads { get; } = ReadPayloads();
    public Dictionary<int, Guid> ItemIds { get; } = new();
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Pro { get; private set; } = null!;
    public HttpClient Owner { get; private set; } = null!;
    public string ProMemberId { get; private set; } = "";

    public static string Title(string payload) => payload.Trim() is var t && t.Length > ContentRules.TitleMax ? t[..ContentRules.TitleMax].Trim() : t;

    public static string Body(string payload) => $"{payload}\n\n[a link]({payload})\n\n![an image]({payload})\n\n> {payload}\n\n`{payload}`";

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        var catalog = await TestCatalog.CreateAsync(factory);
        for (var i = 0; i < Payloads.Count; i++)
        {
            var result = await factory.RunAsAsync(null, new SaveContent(new ContentDraft
            {
                Kind = ContentKind.Article,
                Title = Title(Payloads[i]),
                Slug = $"xss-{i:000}",
                Teaser = Payloads[i],
                BodyMarkdown = Body(Payloads[i]),
                Author = Title(Payloads[i])[..Math.Min(Title(Payloads[i]).Length, ContentRules.AuthorMax)],
                PublishAt = factory.Clock.GetUtcNow().AddDays(-1),
                Access = AccessLevel.Products,
                RequiredProductIds = [catalog.ProProduct],
            }));
            Assert.True(result.Succeeded, $"payload {i}: {result.Message}");
            ItemIds[i] = result.Id!.Value;
        }

        Anonymous = factory.CreateBrowserlessClient();
        var pro = await factory.CreateUserAsync("xss.pro@example.test", "a long member passphrase");
        ProMemberId = pro.Id;
        await TestContent.SubscribeAsync(factory, pro.Id, catalog.ProMonthly);
        Pro = await SignInAsync("xss.pro@example.test");
        await factory.CreateUserAsync("xss.owner@example.test", "a long member passphrase", PortalRoles.Owner);
        Owner = await SignInAsync("xss.owner@example.test");
    }

    private async Task<HttpClient> SignInAsync(string email)
    {
        var client = factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, email, "a long member passphrase")).StatusCode);
        return client;
    }

    public async Task SetProFirstNameAsync(string firstName)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Users.Where(u => u.Id == ProMemberId).ExecuteUpdateAsync(s => s.SetProperty(u => u.FirstName, firstName));
    }

    /// <summary>
    /// The team's copy of SecLists' XSS-Jhaddix list lives in the shared data folder outside the repository, so the tests
    /// read the copy checked in beside them (TestData/README.md names the source).
    /// </summary>
    internal static IReadOnlyList<string> ReadPayloads()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MembershipPortal.sln")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException("MembershipPortal.sln not found above " + AppContext.BaseDirectory);
        var path = Path.Combine(dir.FullName, "tests", "MembershipPortal.Web.Tests", "TestData", "xss-payloads.txt");
        return File.ReadAllLines(path).Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
    }

    public Task DisposeAsync()
    {
        Anonymous.Dispose();
        Pro.Dispose();
        Owner.Dispose();
        factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Each test walks every payload and reports all that come out live at once, naming the payload's line; pages are
/// fetched a few at a time so the list of 110 stays quick.
/// </summary>
public sealed class StoredXssTests(StoredXssFixture fixture) : IClassFixture<StoredXssFixture>
{
    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<string> Live(string html, string where) => InertHtml.Problems(html).Select(p => $"{where}: {p}");

    /// <summary>Runs the check for every payload (line index) and fails once, listing every payload that rendered live.</summary>
    private async Task ForEveryPayloadAsync(Func<int, Task<IEnumerable<string>>> check, int parallel = 4)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, fixture.Payloads.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (index, _) =>
        {
            foreach (var problem in await check(index))
                failures.Add($"line {index + 1}: {problem}");
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} problems:\n{string.Join("\n", failures.Order())}");
    }

    [Fact]
    public void PayloadFile_HasTheWholeList() => Assert.Equal(110, fixture.Payloads.Count);

    [Fact]
    public Task ContentPage_AnonymousSeesTitleAndTeaserAsText_Inert() => ForEveryPayloadAsync(async index =>
    {
        var path = $"/content/xss-{index:000}";
        var html = await PageAsync(fixture.Anonymous, path);
        Assert.Contains("data-testid=\"paywall\"", html);
        // The payload is on the page, as text a reader sees: present, and not markup.
        Assert.Equal(StoredXssFixture.Title(fixture.Payloads[index]), InertHtml.TextOf(html, "content-title"));
        Assert.Equal(fixture.Payloads[index].Trim(), InertHtml.TextOf(html, "content-teaser"));
        return Live(html, $"{path} (anonymous)");
    });

    [Fact]
    public Task ContentPage_ProMemberSeesMarkdownBody_Inert() => ForEveryPayloadAsync(async index =>
    {
        var path = $"/content/xss-{index:000}";
        var html = await PageAsync(fixture.Pro, path);
        Assert.Equal(StoredXssFixture.Title(fixture.Payloads[index]), InertHtml.TextOf(html, "content-title"));
        Assert.NotNull(InertHtml.TextOf(html, "content-body"));
        return Live(html, $"{path} (Pro member)");
    });

    [Fact]
    public Task AdminEditor_TitleTeaserBodyAndPreview_Inert() => ForEveryPayloadAsync(async index =>
    {
        var path = $"/admin/content/{fixture.ItemIds[index]}";
        var html = await PageAsync(fixture.Owner, path);
        var title = InertHtml.Parse(html).QuerySelector("[data-testid='content-title'] input, input[data-testid='content-title']");
        Assert.Equal(StoredXssFixture.Title(fixture.Payloads[index]), title?.GetAttribute("value"));
        Assert.NotNull(InertHtml.TextOf(html, "content-body-preview"));
        return Live(html, path);
    });

    [Fact]
    public Task AccountHome_FirstName_Inert() => ForEveryPayloadAsync(async index =>
    {
        // One member whose name changes, so one page at a time.
        await fixture.SetProFirstNameAsync(fixture.Payloads[index]);
        var html = await PageAsync(fixture.Pro, "/account");
        Assert.Contains(fixture.Payloads[index], InertHtml.TextOf(html, "account-heading"));
        return Live(html, "/account");
    }, parallel: 1);

    [Fact]
    public async Task Library_EveryPayloadTitleAndTeaser_Inert()
    {
        foreach (var (client, who) in new[] { (fixture.Anonymous, "anonymous"), (fixture.Pro, "Pro member") })
        {
            var html = await PageAsync(client, "/content");
            Assert.Empty(Live(html, $"/content ({who})"));
            var text = InertHtml.Parse(html).Body!.TextContent;
            Assert.All(fixture.Payloads, p => Assert.Contains(StoredXssFixture.Title(p), text));
        }
    }

    [Fact]
    public async Task AdminContentList_EveryPayloadTitle_Inert()
    {
        var html = await PageAsync(fixture.Owner, "/admin/content");
        Assert.Empty(Live(html, "/admin/content"));
        var titles = InertHtml.Parse(html).QuerySelectorAll("[data-testid='content-row-title']").Select(e => e.TextContent).ToHashSet();
        Assert.All(fixture.Payloads, p => Assert.Contains(StoredXssFixture.Title(p), titles));
    }

    [Fact]
    public void Checker_FindsLiveMarkup()
    {
        // The checker itself must see what a browser would run, or every test above passes vacuously.
        Assert.NotEmpty(InertHtml.Problems("<p><img src=x onerror=alert(1)></p>"));
        Assert.NotEmpty(InertHtml.Problems("<script>alert(1)</script>"));
        Assert.NotEmpty(InertHtml.Problems("<a href=\" java\tscript:alert(1)\">x</a>"));
        Assert.NotEmpty(InertHtml.Problems("<iframe src=\"https://evil.test\"></iframe>"));
        Assert.NotEmpty(InertHtml.Problems("<svg><animate onbegin=alert(1) /></svg>"));
        Assert.Empty(InertHtml.Problems("<p>&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)</p><script src=\"_framework/blazor.web.js\"></script>"));
    }
}
