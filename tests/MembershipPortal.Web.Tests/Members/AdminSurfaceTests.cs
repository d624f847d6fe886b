using System.Net;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Members;

/// <summary>
/// Every route under /admin the app maps (pages and endpoints, found from the routing table, so a new page is covered
/// without touching this test): a signed-in member is refused on GET and on a direct POST, and nothing is audited.
/// </summary>
public sealed class AdminSurfaceTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private IReadOnlyList<string> AdminPaths()
    {
        var sources = fixture.Factory.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => p.StartsWith("/admin", StringComparison.OrdinalIgnoreCase))
            .Select(p => System.Text.RegularExpressions.Regex.Replace(p, @"\{[^}]+\}", m => m.Value.Contains("guid") ? Guid.NewGuid().ToString() : fixture.MemberId))
            .Distinct().Order().ToList();
    }

    [Fact]
    public async Task EveryAdminRoute_Member_RefusedOnGetAndPost()
    {
        var paths = AdminPaths();
        Assert.True(paths.Count >= 15, $"only {paths.Count} admin routes found: {string.Join(", ", paths)}");
        var auditBefore = (await fixture.AuditFor(fixture.MemberId)).Count;
        foreach (var path in paths)
        {
            var get = await fixture.Member.GetAsync(path);
            Assert.True(get.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                $"GET {path} answered {get.StatusCode} to a member");
            if (get.StatusCode == HttpStatusCode.Redirect)
                Assert.StartsWith("/Account/AccessDenied", get.Headers.Location!.PathAndQuery);
            var post = await fixture.Member.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "x" }));
            Assert.False(post.IsSuccessStatusCode, $"POST {path} answered {post.StatusCode} to a member");
        }
        Assert.Equal(auditBefore, (await fixture.AuditFor(fixture.MemberId)).Count);
    }

    [Fact]
    public async Task EveryAdminRoute_Anonymous_SentToLoginOrRefused()
    {
        foreach (var path in AdminPaths())
        {
            var get = await fixture.Anonymous.GetAsync(path);
            Assert.True(get.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"GET {path} answered {get.StatusCode} anonymously");
            if (get.StatusCode == HttpStatusCode.Redirect)
                Assert.StartsWith("/Account/Login", get.Headers.Location!.PathAndQuery);
        }
    }
}
