using System.Net;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>
/// Production reached over plain http: with an https public address the visitor gets a page saying so (not a 500 from
/// the antiforgery check on every page), health probes still answer; with a deliberately plain http public address the
/// portal works, cookies not marked Secure.
/// </summary>
public sealed class PlainHttpTests
{
    private static HttpClient Client(PortalFactory factory, string baseAddress) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task HttpsPublicUrl_PlainHttpRequest_GetsAClearPage_NotA500_AndHealthStillAnswers()
    {
        using var production = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", "https://members.example.test");
        var client = Client(production, "http://members.example.test");
        var page = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var text = await page.Content.ReadAsStringAsync();
        Assert.Contains("https://members.example.test", text);
        Assert.Contains("Portal:ForwardedHeaders", text);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        var secure = Client(production, "https://members.example.test");
        Assert.Equal(HttpStatusCode.OK, (await secure.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task PlainHttpPublicUrl_FormsWork_WithCookiesNotMarkedSecure()
    {
        using var production = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", "http://members.example.test");
        await production.CreateUserAsync("plain.http@example.test", "a long member passphrase");
        var client = Client(production, "http://members.example.test");
        var get = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var cookie = Assert.Single(get.Headers.GetValues("Set-Cookie"), c => c.Contains("Antiforgery", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("__Host-", cookie);

        var login = await PortalFactory.LoginAsync(client, "plain.http@example.test", "a long member passphrase");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).StatusCode);
    }
}
