using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Public;

/// <summary>What search engines and link previews read: robots.txt, sitemap.xml and each public page's head.</summary>
public sealed class SearchEngineTests : IAsyncLifetime
{
    private const string PublicUrl = "https://members.example.test";
    private readonly PortalFactory factory = new PortalFactory().WithSetting("Portal:PublicUrl", PublicUrl);
    private TestContent content = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var catalog = await TestCatalog.CreateAsync(factory);
        content = await TestContent.CreateAsync(factory, catalog);
        await factory.CreateUserAsync($"owner{Guid.NewGuid():N}@example.test", "a long owner passphrase", "Owner");
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Products.Where(p => p.Slug == "vip").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsVisible, false));
        client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(PublicUrl), AllowAutoRedirect = false });
    }

    [Fact]
    public async Task RobotsTxt_KeepsPrivateAreasOut_AndNamesTheSitemap()
    {
        var answer = await client.GetAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/plain", answer.Content.Headers.ContentType!.MediaType);
        var text = await answer.Content.ReadAsStringAsync();
        foreach (var path in new[] { "/admin", "/account", "/files" })
            Assert.Contains($"Disallow: {path}\n", text);
        Assert.Contains($"Sitemap: {PublicUrl}/sitemap.xml", text);
    }

    [Fact]
    public async Task Sitemap_ListsPublicPages_NotHiddenProductsNorGatedOrScheduledContent()
    {
        var answer = await client.GetAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var urls = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Descendants(ns + "loc").Select(e => e.Value).ToList();
        Assert.All(urls, u => Assert.StartsWith(PublicUrl + "/", u));
        Assert.Contains($"{PublicUrl}/pricing", urls);
        Assert.Contains($"{PublicUrl}/products/pro", urls);
        Assert.DoesNotContain($"{PublicUrl}/products/vip", urls);
        Assert.Contains($"{PublicUrl}/content/{content.PublicArticle}", urls);
        Assert.DoesNotContain($"{PublicUrl}/content/{content.MembersArticle}", urls);
        Assert.DoesNotContain($"{PublicUrl}/content/scheduled", urls);
        Assert.Contains($"{PublicUrl}/courses/{content.Course}", urls);
        foreach (var url in urls)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(url).PathAndQuery)).StatusCode);
    }

    public static TheoryData<string> PublicPages => ["/", "/pricing", "/products/pro", "/content", "/courses", "/content/public-article", "/courses/pro-course"];

    [Theory]
    [MemberData(nameof(PublicPages))]
    public async Task PublicPage_HasTitleDescriptionOneH1AndSharingTags(string path)
    {
        var html = await client.GetStringAsync(path);
        Assert.Matches("<title>[^<]+</title>", html);
        Assert.Single(Regex.Matches(html, "<h1[ >]"));
        Assert.DoesNotMatch("<h6[ >]", html);
        Assert.Matches("<meta name=\"description\" content=\"[^\"]{10,160}\"", html);
        Assert.Matches("<meta property=\"og:title\" content=\"[^\"]+\"", html);
        Assert.Matches("<meta property=\"og:description\" content=\"[^\"]+\"", html);
        Assert.Contains($"<link rel=\"canonical\" href=\"{PublicUrl}{path}\"", html);
        Assert.Contains($"<meta property=\"og:url\" content=\"{PublicUrl}{path}\"", html);

        // Headings go down one level at a time (h1, then h2 ...), and every picture has its size before it loads.
        var levels = Regex.Matches(html, "<h([1-6])[ >]").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second <= pair.First + 1, $"h{pair.First} is followed by h{pair.Second}"));
        Assert.All(Regex.Matches(html, "<img [^>]*>").Select(m => m.Value), img => Assert.Matches("width=\"\\d+\".*height=\"\\d+\"", img));
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }
}
