using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Public;

/// <summary>
/// Anonymous public pages come from the output cache (a change the cache cannot see stays unseen), a saved change to the
/// catalog evicts them, the visitor's light/dark choice gets its own copy, and nobody signed in is ever served one.
/// </summary>
public sealed class PublicPageCacheTests : IAsyncLifetime
{
    private const string Password = "a long member passphrase";
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;

    public async Task InitializeAsync() => catalog = await TestCatalog.CreateAsync(factory, "cache");

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private async Task<AppDbContext> DbAsync() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>Renames the Pro product behind the portal's back: no SaveChanges, so nothing evicts the cache.</summary>
    private async Task RenameQuietlyAsync(string name)
    {
        await using var db = await DbAsync();
        await db.Products.Where(p => p.Id == catalog.ProProduct).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, name));
    }

    /// <summary>
    /// Outside Development the antiforgery cookie has another name ("__Host-Portal.Antiforgery"); it is dropped all the
    /// same, so the cache works where it matters, in Production.
    /// </summary>
    [Fact]
    public async Task InProduction_AnonymousPricing_IsCachedToo_WithoutAnyVisitorsCookie()
    {
        using var production = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", "https://members.example.test");
        await TestCatalog.CreateAsync(production, "prod");
        HttpClient Visitor() => production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        { BaseAddress = new Uri("https://members.example.test"), AllowAutoRedirect = false });
        var first = await Visitor().GetAsync("/pricing");
        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Set-Cookie"), "no visitor's cookie on a public page: " + string.Join("; ", first.Headers.TryGetValues("Set-Cookie", out var c) ? c : []));
        var second = await Visitor().GetAsync("/pricing");
        Assert.True(second.Headers.Age is not null, "the second visitor is answered from the cache");
    }

    [Fact]
    public async Task AnonymousPricing_IsServedFromTheCache_UntilASavedCatalogChangeEvictsIt()
    {
        var visitor = factory.CreateBrowserlessClient();
        var firstResponse = await visitor.GetAsync("/pricing");
        var first = await firstResponse.Content.ReadAsStringAsync();
        Assert.False(firstResponse.Headers.Contains("Set-Cookie"), "a cached page hands out no visitor's cookie");
        Assert.Contains("cachePro", first);

        await RenameQuietlyAsync("Quietly renamed");
        var cached = await visitor.GetAsync("/pricing");
        Assert.Contains("cachePro", await cached.Content.ReadAsStringAsync());
        Assert.True(cached.Headers.Age is not null, "a cached answer carries its age");
        Assert.DoesNotContain("Quietly renamed", await factory.CreateBrowserlessClient().GetStringAsync("/pricing"));

        await using (var db = await DbAsync())
        {
            var pro = await db.Products.SingleAsync(p => p.Id == catalog.ProProduct);
            pro.Name = "Pro Plus";
            await db.SaveChangesAsync();
        }
        var fresh = await visitor.GetStringAsync("/pricing");
        Assert.Contains("Pro Plus", fresh);
        Assert.DoesNotContain("cachePro<", fresh);
    }

    [Fact]
    public async Task TheDarkModeChoice_GetsItsOwnCopy()
    {
        var light = await factory.CreateBrowserlessClient().GetStringAsync("/");
        var darkClient = factory.CreateBrowserlessClient();
        darkClient.DefaultRequestHeaders.Add("Cookie", "portal-dark=1");
        var dark = await darkClient.GetStringAsync("/");

        Assert.Contains("Switch to dark mode", light);
        Assert.Contains("Switch to light mode", dark);
    }

    [Fact]
    public async Task ASignedInMember_IsNeverServedTheCachedPage_NorIsTheirsStored()
    {
        var anonymous = await factory.CreateBrowserlessClient().GetStringAsync("/pricing");
        Assert.Contains("Log in", anonymous);

        await factory.CreateUserAsync("cache.member@example.test", Password);
        var member = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(member, "cache.member@example.test", Password);
        await RenameQuietlyAsync("Seen only fresh");
        var first = await member.GetAsync("/pricing");
        var page = await first.Content.ReadAsStringAsync();
        Assert.Null(first.Headers.Age);
        Assert.Contains("My account", page);
        Assert.Contains("Seen only fresh", page);
        Assert.Null((await member.GetAsync("/pricing")).Headers.Age);

        // The member's page was not stored for the next visitor either: they still get the anonymous copy.
        Assert.Contains("Log in", await factory.CreateBrowserlessClient().GetStringAsync("/pricing"));
    }

    [Fact]
    public async Task AnonymousPublicPage_ComesCompressedFromTheCache_ASignedInPageDoesNot()
    {
        var visitor = factory.CreateBrowserlessClient();
        var first = await GetCompressibleAsync(visitor, "/pricing");
        var cached = await GetCompressibleAsync(visitor, "/pricing");
        foreach (var answer in new[] { first, cached })
        {
            Assert.Equal("br", Assert.Single(answer.Content.Headers.ContentEncoding));
            Assert.Contains("Accept-Encoding", answer.Headers.Vary);
            await using var html = new System.IO.Compression.BrotliStream(await answer.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
            Assert.Contains("cachePro", await new StreamReader(html).ReadToEndAsync());
        }
        Assert.NotNull(cached.Headers.Age);
        // A client that asks for no encoding is not handed the stored compressed copy.
        Assert.Contains("cachePro", await factory.CreateBrowserlessClient().GetStringAsync("/pricing"));

        // A signed-in page may hold secrets next to text the visitor chose (BREACH): never compressed.
        await factory.CreateUserAsync("compressed.member@example.test", Password);
        var member = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(member, "compressed.member@example.test", Password);
        Assert.Empty((await GetCompressibleAsync(member, "/pricing")).Content.Headers.ContentEncoding);
        Assert.Empty((await GetCompressibleAsync(member, "/account")).Content.Headers.ContentEncoding);
    }

    private static Task<HttpResponseMessage> GetCompressibleAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        return client.SendAsync(request);
    }
}
