using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Accounts;

public sealed class SetupTests : IDisposable
{
    private readonly PortalFactory factory = new();

    [Fact]
    public async Task Setup_FreshDatabase_CreatesOwnerThenDisappears()
    {
        var client = factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/setup")).StatusCode);

        var response = await PortalFactory.PostFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.Email"] = "owner@example.test",
            ["Input.Password"] = "owner passphrase long enough",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/admin", response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateBrowserlessClient().GetAsync("/setup")).StatusCode);

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var owner = await users.FindByEmailAsync("owner@example.test");
        Assert.NotNull(owner);
        Assert.True(await users.IsInRoleAsync(owner, PortalRoles.Owner));
    }

    [Theory]
    [InlineData("short", "at least 12")]
    [InlineData("scandinavian", "most commonly used")]
    public async Task Setup_WeakPassword_ShowsReasonAndCreatesNothing(string password, string message)
    {
        var client = factory.CreateBrowserlessClient();
        var response = await PortalFactory.PostFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.Email"] = "weak@example.test",
            ["Input.Password"] = password,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());

        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("weak@example.test"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/setup")).StatusCode);
    }

    [Fact]
    public async Task Setup_NamesTheBusiness_ItsCurrencyAndTimeZone_ABadOneChangesNothing()
    {
        var client = factory.CreateBrowserlessClient();
        var page = await client.GetStringAsync("/setup");
        Assert.Contains("Business name", page);
        Assert.Contains("<option value=\"Europe/London\"", page);

        var refused = await PortalFactory.PostFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.BusinessName"] = "Yarn Club",
            ["Input.Currency"] = "GBP",
            ["Input.TimeZoneId"] = "Mars/Olympus_Mons",
            ["Input.Email"] = "yarn@example.test",
            ["Input.Password"] = "owner passphrase long enough",
        });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Choose a time zone from the list.", await refused.Content.ReadAsStringAsync());
        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("yarn@example.test"));

        var created = await PortalFactory.PostFormAsync(client, "/setup", new Dictionary<string, string>
        {
            ["Input.BusinessName"] = "Yarn Club",
            ["Input.Currency"] = "GBP",
            ["Input.TimeZoneId"] = "Europe/London",
            ["Input.Email"] = "yarn@example.test",
            ["Input.Password"] = "owner passphrase long enough",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        await using var check = factory.Services.CreateAsyncScope();
        var profile = await check.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Admin.BusinessSettings>().GetAsync();
        Assert.Equal(("Yarn Club", "GBP", "Europe/London"), (profile.BusinessName, profile.ReportingCurrency, profile.TimeZoneId));
    }

    public void Dispose() => factory.Dispose();
}
