using System.Net;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>The smaller account defects found by probing: tickets, return addresses, enumeration, cookies, passkeys.</summary>
public sealed class AccountHardeningTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<CheckoutSignUpResult> SignUpAsync(string email, IPAddress? client = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext { Connection = { RemoteIpAddress = client ?? IPAddress.Parse("192.0.2.200") } };
        try
        {
            return await scope.ServiceProvider.GetRequiredService<CheckoutSignUp>()
                .SignUpAsync(new CheckoutSignUpInput { Email = email, Password = "a long inline passphrase" }, "/checkout?price=1");
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }

    [Fact]
    public async Task CheckoutTicket_RedeemedTenTimesInParallel_SignsInExactlyOneSession()
    {
        var result = await SignUpAsync($"race{Guid.NewGuid():N}@example.test");
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => factory.CreateBrowserlessClient().GetAsync(result.SignInUrl)));
        var signedIn = answers.Count(a => a.Headers.TryGetValues("Set-Cookie", out var c) && c.Any(x => x.StartsWith(".Portal.Auth=", StringComparison.Ordinal)));
        Assert.Equal(1, signedIn);
    }

    [Fact]
    public async Task CheckoutSignUpLimiter_IsPerClient()
    {
        var busy = IPAddress.Parse("192.0.2.10");
        for (var i = 0; i < 10; i++)
            Assert.True((await SignUpAsync($"busy{i}{Guid.NewGuid():N}@example.test", busy)).Succeeded);
        var refused = await SignUpAsync($"busy{Guid.NewGuid():N}@example.test", busy);
        Assert.Contains(refused.Errors, e => e.Contains("Too many sign-ups", StringComparison.Ordinal));
        Assert.True((await SignUpAsync($"other{Guid.NewGuid():N}@example.test", IPAddress.Parse("192.0.2.11"))).Succeeded);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example")]
    public async Task Login_WithHostileReturnUrl_LandsOnTheHomePage(string returnUrl)
    {
        var email = $"ret{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, "a long member passphrase");
        var client = factory.CreateBrowserlessClient();
        var path = "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var answer = await PortalFactory.PostFormAsync(client, path,
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "a long member passphrase" });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!.OriginalString;
        Assert.True(location is "/" or "http://localhost/", $"Redirected to {location}");
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example")]
    public async Task Logout_WithHostileReturnUrl_LandsOnTheHomePage(string returnUrl)
    {
        var client = await factory.SignedInClientAsync($"out{Guid.NewGuid():N}@example.test");
        var page = await client.GetStringAsync("/account");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var answer = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Register_WithAnExistingAddress_AnswersAsForANewOne_AndMailsTheHolder()
    {
        var existing = $"taken{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(existing, "a long member passphrase");
        var fresh = $"fresh{Guid.NewGuid():N}@example.test";

        var forExisting = await RegisterAsync(existing);
        var forFresh = await RegisterAsync(fresh);
        Assert.Equal(HttpStatusCode.Redirect, forExisting.StatusCode);
        Assert.Equal(forFresh.StatusCode, forExisting.StatusCode);
        Assert.Equal(forFresh.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString(fresh), "ADDRESS"),
                     forExisting.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString(existing), "ADDRESS"));
        var confirmation = factory.CreateBrowserlessClient();
        var pageForExisting = await confirmation.GetStringAsync(forExisting.Headers.Location);
        var pageForFresh = await confirmation.GetStringAsync(forFresh.Headers.Location);
        Assert.Equal(Comparable(pageForFresh.Replace(fresh, "ADDRESS")), Comparable(pageForExisting.Replace(existing, "ADDRESS")));

        var notice = await PickupMail.WaitForAsync(factory, existing, "You already have an account");
        Assert.Contains(PickupMail.Links(notice), l => l.EndsWith("/Account/ForgotPassword", StringComparison.Ordinal));
        Assert.DoesNotContain(PickupMail.All(factory), m => m.To.ToString().Contains(existing) && (m.Subject ?? "").Contains("Confirm", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ForgotPassword_KnownAndUnknownAddresses_GetTheSameAnswer_OnlyTheKnownOneGetsMail()
    {
        var known = $"known{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(known, "a long member passphrase");
        var unknown = $"unknown{Guid.NewGuid():N}@example.test";
        var a = await PortalFactory.PostFormAsync(factory.CreateBrowserlessClient(), "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = known });
        var b = await PortalFactory.PostFormAsync(factory.CreateBrowserlessClient(), "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = unknown });
        Assert.Equal(HttpStatusCode.Redirect, a.StatusCode);
        Assert.Equal(a.Headers.Location, b.Headers.Location);
        await PickupMail.WaitForAsync(factory, known, "Reset your password");
        Assert.Equal(0, PickupMail.CountTo(factory, unknown));
    }

    [Theory]
    [InlineData("/Account/PasskeyCreationOptions")]
    [InlineData("/Account/PasskeyRequestOptions")]
    public async Task PasskeyEndpoints_WithoutAToken_Answer400(string path)
    {
        var answer = await factory.CreateBrowserlessClient().PostAsync(path, null);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }

    [Fact]
    public async Task OutsideDevelopment_TheAntiforgeryCookieIsSecure()
    {
        using var production = new PortalFactory().WithSetting("environment", "Production").WithSetting("Portal:PublicUrl", "https://members.example.test");
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://members.example.test"), AllowAutoRedirect = false });
        var answer = await client.GetAsync("/Account/Login");
        var cookie = Assert.Single(answer.Headers.GetValues("Set-Cookie"), c => c.Contains("Antiforgery", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("__Host-", cookie);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What the page says (its title and status text), without what differs on every render anyway.</summary>
    private static string Comparable(string html)
    {
        var status = System.Text.RegularExpressions.Regex.Match(html, "role=\"status\"[^>]*>(.*?)</", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(status.Success, "The confirmation page has no status text.");
        return System.Text.RegularExpressions.Regex.Match(html, "<title>(.*?)</title>").Value + status.Groups[1].Value;
    }

    private async Task<HttpResponseMessage> RegisterAsync(string email) =>
        await PortalFactory.PostFormAsync(factory.CreateBrowserlessClient(), "/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "a long member passphrase",
            ["Input.ConfirmPassword"] = "a long member passphrase",
        });
}
