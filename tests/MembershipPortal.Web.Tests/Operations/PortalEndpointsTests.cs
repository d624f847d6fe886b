using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Operations;

public sealed class PortalEndpointsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/pricing")]
    [InlineData("/Account/Login")]
    [InlineData("/Account/Register")]
    [InlineData("/health")]
    public async Task Get_PublicPage_Answers200(string path)
    {
        var response = await factory.CreateBrowserlessClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_DatabaseReachable_SaysHealthy()
    {
        var body = await factory.CreateBrowserlessClient().GetStringAsync("/health");
        Assert.Equal("Healthy", body);
    }

    [Fact]
    public async Task AnyPage_Always_CarriesSecurityHeaders()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/");
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task UnknownPage_Answers404()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPage_Post_RendersNotFoundPageNotAntiforgeryError()
    {
        var response = await factory.CreateBrowserlessClient().PostAsync("/no-such-page",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
        // The static-file fallback route makes routing answer 405 (GET, HEAD only) for a POST to an unknown path; the
        // not-found page is then rendered as a GET instead of failing antiforgery with a bare 400.
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_Anonymous_RedirectsToLogin()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Admin_SignedInMember_IsDenied()
    {
        await factory.CreateUserAsync("member.denied@example.test", "a long member passphrase");
        var client = factory.CreateBrowserlessClient();
        var login = await PortalFactory.LoginAsync(client, "member.denied@example.test", "a long member passphrase");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var account = await client.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var admin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", admin.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task AdminSettings_Staff_SeesAdminButNotSettings()
    {
        await factory.CreateUserAsync("staff.member@example.test", "a long staff passphrase", PortalRoles.Staff);
        var client = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(client, "staff.member@example.test", "a long staff passphrase");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        var settings = await client.GetAsync("/admin/settings");
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", settings.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Account_Anonymous_RedirectsToLogin()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }
}
