using System.Net;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Operations;

public sealed class RateLimitingTests : IDisposable
{
    private readonly PortalFactory factory = new PortalFactory().WithSetting("RateLimiting:PostsPerMinute", "3");

    [Fact]
    public async Task LoginPost_OverTheLimit_Answers429WithRetryAfter()
    {
        var client = factory.CreateBrowserlessClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await PortalFactory.LoginAsync(client, "nobody@example.test", "wrong password here")).StatusCode);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        var limited = await PortalFactory.LoginAsync(client, "nobody@example.test", "wrong password here");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("60", Assert.Single(limited.Headers.GetValues("Retry-After")));
    }

    [Fact]
    public async Task LoginPage_Get_IsNeverLimited()
    {
        var client = factory.CreateBrowserlessClient();
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
