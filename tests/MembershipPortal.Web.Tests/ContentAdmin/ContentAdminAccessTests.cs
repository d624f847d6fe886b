using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.ContentAdmin;

public sealed class ContentAdminAccessFixture : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Member { get; private set; } = null!;
    public HttpClient Staff { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        Anonymous = factory.CreateBrowserlessClient();
        Member = await factory.SignedInClientAsync("plain.member@example.test", null);
        Staff = await factory.SignedInClientAsync("content.staff@example.test", PortalRoles.Staff);
    }


    public Task DisposeAsync()
    {
        Anonymous.Dispose();
        Member.Dispose();
        Staff.Dispose();
        factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The content admin is for Owner and Staff only: a member is turned away, a visitor is sent to log in.</summary>
public sealed class ContentAdminAccessTests(ContentAdminAccessFixture fixture) : IClassFixture<ContentAdminAccessFixture>
{
    public static TheoryData<string> AdminPages() => ["/admin/content", "/admin/content/new", "/admin/courses", "/admin/courses/new"];

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_PlainMember_RedirectedToAccessDenied(string path)
    {
        var response = await fixture.Member.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_Anonymous_RedirectedToLogin(string path)
    {
        var response = await fixture.Anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_Staff_Allowed(string path)
    {
        var response = await fixture.Staff.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("data-testid=\"access-denied\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AdminNav_Staff_LinksContentAndCourses()
    {
        var html = await fixture.Staff.GetStringAsync("/admin");
        Assert.Contains("href=\"/admin/content\"", html);
        Assert.Contains("href=\"/admin/courses\"", html);
    }
}
