using System.Net;
using System.Net.Sockets;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>Rate limits belong to the endpoint the router chose, to the target account, and to the real client behind a trusted proxy.</summary>
public sealed class RateLimitBypassTests
{
    private static readonly string[] LimitedPages =
        ["/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ResetPassword", "/Account/LoginWith2fa",
         "/Account/LoginWithRecoveryCode", "/Account/ResendEmailConfirmation", "/Account/Unlock", "/setup"];

    /// <summary>Each spelling the router maps to the same page: trailing slash, letter case, a percent-encoded letter.</summary>
    private static IEnumerable<string> Spellings(string path) =>
        [path + "/", path.ToLowerInvariant(), path.ToUpperInvariant(), path[..^1] + "%" + ((int)path[^1]).ToString("X2")];

    public static TheoryData<string> Pages => [.. LimitedPages];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EverySpellingOfALimitedPage_SharesOneLimiter(string page)
    {
        using var factory = new PortalFactory().WithSetting("RateLimiting:PostsPerMinute", "3");
        var client = factory.CreateBrowserlessClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var path in Spellings(page).Take(3))
            statuses.Add(await PostAsync(client, path, $"x{Guid.NewGuid():N}@example.test"));
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        foreach (var path in Spellings(page).Append(page))
            Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(client, path, $"x{Guid.NewGuid():N}@example.test"));
    }

    [Fact]
    public async Task TrailingSlashLogin_WithTheRightPassword_StillSignsIn()
    {
        using var factory = new PortalFactory();
        await factory.CreateUserAsync("slash@example.test", "a long member passphrase");
        var client = factory.CreateBrowserlessClient();
        var answer = await PortalFactory.PostFormAsync(client, "/Account/Login/",
            new Dictionary<string, string> { ["Input.Email"] = "slash@example.test", ["Input.Password"] = "a long member passphrase" });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
    }

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/Account/ForgotPassword")]
    public async Task AttemptsOnOneAccount_AreLimitedPerAccount_WhateverTheClient(string page)
    {
        using var factory = new PortalFactory().WithSetting("RateLimiting:PostsPerMinute", "100").WithSetting("RateLimiting:AccountPostsPerMinute", "3");
        for (var i = 0; i < 3; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await PostAsync(factory.CreateBrowserlessClient(), page, "target@example.test"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(factory.CreateBrowserlessClient(), page, "TARGET@example.test"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await PostAsync(factory.CreateBrowserlessClient(), page, "someone.else@example.test"));
    }

    [Fact]
    public async Task BehindATrustedProxy_EachForwardedClientHasItsOwnBucket()
    {
        using var app = new KestrelPortal(("Portal:ForwardedHeaders", "127.0.0.2"));
        using var proxy = app.ClientFrom("127.0.0.2");
        for (var i = 0; i < 2; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await app.PostLoginAsync(proxy, forwardedFor: "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await app.PostLoginAsync(proxy, forwardedFor: "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await app.PostLoginAsync(proxy, forwardedFor: "203.0.113.2"));
    }

    [Fact]
    public async Task FromAnUntrustedAddress_AForgedForwardedHeaderIsIgnored()
    {
        using var app = new KestrelPortal(("Portal:ForwardedHeaders", "127.0.0.2"));
        using var stranger = app.ClientFrom("127.0.0.3");
        for (var i = 0; i < 2; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await app.PostLoginAsync(stranger, forwardedFor: $"198.51.100.{i}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await app.PostLoginAsync(stranger, forwardedFor: "198.51.100.77"));
    }

    [Fact]
    public void ForwardedHeaders_NotAnAddress_StopsStartWithTheSettingNamed()
    {
        using var factory = new PortalFactory().WithSetting("Portal:ForwardedHeaders", "the proxy");
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("Portal:ForwardedHeaders", error.ToString());
    }

    private static Task<HttpStatusCode> PostAsync(HttpClient client, string path, string email) =>
        client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "wrong password here" }))
            .ContinueWith(t => t.Result.StatusCode);

    /// <summary>The portal on real Kestrel (127.0.0.1), with clients that connect from chosen loopback addresses.</summary>
    private sealed class KestrelPortal : IDisposable
    {
        private readonly PortalFactory factory = new();
        private readonly Uri address;

        public KestrelPortal(params (string Key, string Value)[] settings)
        {
            factory.WithSetting("RateLimiting:PostsPerMinute", "2");
            foreach (var (k, v) in settings)
                factory.WithSetting(k, v);
            factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            factory.StartServer();
            address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address is this machine).</summary>
        public HttpClient ClientFrom(string source) => new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port)
                        : new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = address };

        public async Task<HttpStatusCode> PostLoginAsync(HttpClient client, string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = $"x{Guid.NewGuid():N}@example.test" }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await client.SendAsync(request)).StatusCode;
        }

        public void Dispose() => factory.Dispose();
    }
}
