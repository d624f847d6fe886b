using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Accounts;

/// <summary>After signing in, the Owner and Staff land on the dashboard, a member on their account; a ReturnUrl wins.</summary>
public sealed class SignInLandingTests : IDisposable
{
    private const string Password = "a long enough passphrase";
    private readonly PortalFactory factory = new();

    [Theory]
    [InlineData(PortalRoles.Owner, "/admin")]
    [InlineData(PortalRoles.Staff, "/admin")]
    [InlineData(null, "/account")]
    public async Task SignIn_WithoutReturnUrl_LandsOnTheRolesHome(string? role, string home)
    {
        var email = $"landing-{role ?? "member"}@example.test";
        await factory.CreateUserAsync(email, Password, role);
        var client = factory.CreateBrowserlessClient();

        var login = await PortalFactory.LoginAsync(client, email, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var landing = await client.GetAsync(login.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
        Assert.Equal(home, landing.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(landing.Headers.Location)).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithReturnUrl_GoesThere_AndAnonymousLandingIsTheHomePage()
    {
        const string email = "landing-return@example.test";
        await factory.CreateUserAsync(email, Password, PortalRoles.Owner);
        var client = factory.CreateBrowserlessClient();

        var login = await PortalFactory.PostFormAsync(client, "/Account/Login?ReturnUrl=%2Fpricing",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.EndsWith("/pricing", login.Headers.Location!.OriginalString);
        var anonymous = await factory.CreateBrowserlessClient().GetAsync("/Account/Landing");
        Assert.Equal("/", anonymous.Headers.Location!.OriginalString);
    }

    public void Dispose() => factory.Dispose();
}
