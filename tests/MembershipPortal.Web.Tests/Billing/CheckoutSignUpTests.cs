using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>Inline sign-up at checkout: the account, the one-time sign-in ticket and where it may lead.</summary>
public sealed class CheckoutSignUpTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<CheckoutSignUpResult> SignUpAsync(string email, string password = "a long inline passphrase", string returnUrl = "/checkout?price=1")
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutSignUp>()
            .SignUpAsync(new CheckoutSignUpInput { Email = email, Password = password, FirstName = "Ada" }, returnUrl);
    }

    private async Task<ApplicationUser?> FindAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
    }

    private HttpClient Client() => factory.CreateBrowserlessClient();

    [Fact]
    public async Task Ticket_SignsInOnceAndReturnsToCheckout()
    {
        var email = $"ticket{Guid.NewGuid():N}@example.test";
        var result = await SignUpAsync(email, returnUrl: "/checkout?price=abc&addons=x");
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.Equal("Ada", (await FindAsync(email))!.FirstName);

        var client = Client();
        var first = await client.GetAsync(result.SignInUrl);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/checkout?price=abc&addons=x", first.Headers.Location!.OriginalString);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".Portal.Auth=", StringComparison.Ordinal));
        var account = await client.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);

        var replay = await Client().GetAsync(result.SignInUrl);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/Account/Login", replay.Headers.Location!.OriginalString);
        Assert.DoesNotContain(replay.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".Portal.Auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ticket_Expired_Refused()
    {
        var result = await SignUpAsync($"expired{Guid.NewGuid():N}@example.test");
        factory.Clock.Advance(CheckoutSignUp.TicketLifetime + TimeSpan.FromSeconds(1));
        var response = await Client().GetAsync(result.SignInUrl);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Ticket_Forged_Refused()
    {
        var response = await Client().GetAsync(CheckoutSignUp.SignInPath + "?ticket=CfDJ8forged");
        Assert.StartsWith("/Account/Login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task WeakPassword_ClearMessage_NoAccount()
    {
        var email = $"weak{Guid.NewGuid():N}@example.test";
        var result = await SignUpAsync(email, password: "short");
        Assert.False(result.Succeeded);
        Assert.NotEmpty(result.Errors);
        Assert.Null(await FindAsync(email));
    }

    [Fact]
    public async Task ExistingEmail_AskedToLogIn()
    {
        var email = $"taken{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, "a long member passphrase");
        var result = await SignUpAsync(email);
        Assert.Equal("An account with this email already exists. Log in to finish your purchase.", Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("https://evil.example/checkout")]
    [InlineData("//evil.example/checkout")]
    [InlineData("/account/billing")]
    [InlineData("/checkout\\@evil")]
    [InlineData("/checkoutx")]
    public async Task ReturnUrl_NotALocalCheckout_Refused(string returnUrl)
    {
        var email = $"redirect{Guid.NewGuid():N}@example.test";
        var result = await SignUpAsync(email, returnUrl: returnUrl);
        Assert.False(result.Succeeded);
        Assert.Null(await FindAsync(email));
    }
}
