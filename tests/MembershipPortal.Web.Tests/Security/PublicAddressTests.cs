using System.Net;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>One public address for every link: never the request's Host (issue: Host-header password-reset takeover).</summary>
public sealed class PublicAddressTests
{
    private const string PublicUrl = "https://members.example.test";

    [Fact]
    public async Task ForgotPassword_WithAttackersHostHeader_MailsResetLinkToPublicAddress_AndTheLinkWorks()
    {
        using var factory = new PortalFactory().WithSetting("Portal:PublicUrl", PublicUrl);
        var email = $"owner{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, "the owner's old passphrase", "Owner");

        var attacker = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://attacker.example"), AllowAutoRedirect = false });
        var answer = await PortalFactory.PostFormAsync(attacker, "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);

        var mail = await PickupMail.WaitForAsync(factory, email, "Reset your password");
        var link = Assert.Single(PickupMail.Links(mail), l => l.Contains("ResetPassword", StringComparison.Ordinal));
        Assert.StartsWith(PublicUrl + "/Account/ResetPassword?code=", link);
        Assert.DoesNotContain("attacker.example", mail.HtmlBody + mail.TextBody);

        // The member follows the link at the public address and sets a new password with it.
        var member = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(PublicUrl), AllowAutoRedirect = false });
        var path = new Uri(link).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync(path)).StatusCode);
        var reset = await PortalFactory.PostFormAsync(member, path, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "a brand new passphrase",
            ["Input.ConfirmPassword"] = "a brand new passphrase",
        });
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(factory.CreateBrowserlessClient(), email, "a brand new passphrase")).StatusCode);
    }

    [Fact]
    public void OldName_BaseUrl_IsStillRead()
    {
        using var factory = new PortalFactory().WithSetting("Portal:BaseUrl", "https://old-name.example.test/");
        Assert.Equal("https://old-name.example.test", factory.Services.GetRequiredService<PortalLinks>().Base);
        Assert.Equal("https://old-name.example.test/Account/Login", factory.Services.GetRequiredService<PortalLinks>().Absolute("Account/Login"));
    }

    [Fact]
    public void Production_WithoutPublicUrl_DoesNotStart_AndNamesTheSetting()
    {
        using var factory = new PortalFactory().WithSetting("environment", "Production");
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        var all = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("Portal:PublicUrl", all);
    }

    [Theory]
    [InlineData("members.example.test")]
    [InlineData("https://members.example.test/portal")]
    [InlineData("ftp://members.example.test")]
    public void PublicUrl_ThatIsNotAnOrigin_IsRefusedAtStart(string value)
    {
        using var factory = new PortalFactory().WithSetting("Portal:PublicUrl", value);
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("Portal:PublicUrl", string.Join(" | ", Flatten(error).Select(e => e.Message)));
    }

    [Fact]
    public async Task Production_OnlyThePublicHostIsServed()
    {
        using var factory = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", PublicUrl);
        var ours = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(PublicUrl), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await ours.GetAsync("/health")).StatusCode);
        var foreign = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://attacker.example"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await foreign.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Development_WithoutPublicUrl_LinksUseTheAddressKestrelListensOn()
    {
        using var factory = new PortalFactory();
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var listening = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var links = factory.Services.GetRequiredService<PortalLinks>();
        Assert.Equal(listening.TrimEnd('/') + "/account/billing", links.Billing);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(links.Pricing)).StatusCode);
    }

    [Fact]
    public void Production_DefaultSender_IsWarnedAbout()
    {
        var logs = new ListLoggerProvider();
        using var factory = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", PublicUrl);
        factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))).Server.Dispose();
        Assert.Contains(logs.Messages, m => m.Contains("portal@localhost", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException agg)
            {
                foreach (var inner in agg.InnerExceptions.SelectMany(Flatten))
                    yield return inner;
            }
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Messages { get; } = [];
        public ILogger CreateLogger(string categoryName) => new Logger(Messages);
        public void Dispose() { }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentBag<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    messages.Add(formatter(state, exception));
            }
        }
    }
}
