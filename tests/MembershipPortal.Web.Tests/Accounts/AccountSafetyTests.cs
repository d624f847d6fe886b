using System.Net;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Setup;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Accounts;

/// <summary>Nobody can lock the Owner out or write the Owner out of the portal.</summary>
public sealed class AccountSafetyTests : IDisposable
{
    private const string Password = "the owner's long passphrase";
    private readonly PortalFactory factory = new();

    [Fact]
    public async Task Lockout_OwnerUnderAttack_SignsInThroughTheMailedUnlockLink()
    {
        const string email = "attacked.owner@example.test";
        await factory.CreateUserAsync(email, Password, PortalRoles.Owner);
        var attacker = factory.CreateBrowserlessClient();
        for (var i = 0; i < 5; i++)
            await PortalFactory.LoginAsync(attacker, email, $"guess number {i} of many");

        // Lockout stops even the right password...
        var holder = factory.CreateBrowserlessClient();
        var locked = await PortalFactory.LoginAsync(holder, email, Password);
        Assert.Contains("Lockout", locked.Headers.Location?.OriginalString ?? "");

        // ...so the holder is mailed once, told of the attack, and the link lets them in with their password.
        var mails = await Mailbox.ToAsync(factory, email);
        var (subject, text) = Assert.Single(mails);
        Assert.Contains("locked", subject);
        Assert.Contains("attacked", text);
        var link = await Mailbox.LinkAsync(factory, email, "/Account/Unlock");
        var wrong = await PortalFactory.PostFormAsync(holder, link, new Dictionary<string, string> { ["Input.Password"] = "not the password at all" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var unlocked = await PortalFactory.PostFormAsync(holder, link, new Dictionary<string, string> { ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("/admin")).StatusCode);

        // The link works once.
        var again = await factory.CreateBrowserlessClient().GetStringAsync(link);
        Assert.Contains("unlock-invalid", again);
    }

    [Fact]
    public async Task Lockout_MemberLocked_AnotherLockoutWithinTheHour_MailsNoSecondLink()
    {
        const string email = "attacked.member@example.test";
        await factory.CreateUserAsync(email, Password);
        var attacker = factory.CreateBrowserlessClient();
        for (var i = 0; i < 5; i++)
            await PortalFactory.LoginAsync(attacker, email, $"guess number {i} of many");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // The lockout ends; the attacker locks it again at once.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.SetLockoutEndDateAsync(user, null);
        }
        for (var i = 0; i < 5; i++)
            await PortalFactory.LoginAsync(attacker, email, $"second wave guess {i}");
        Assert.Single(await Mailbox.ToAsync(factory, email));
        var link = await Mailbox.LinkAsync(factory, email, "/Account/Unlock");
        var unlocked = await PortalFactory.PostFormAsync(factory.CreateBrowserlessClient(), link, new Dictionary<string, string> { ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
    }

    [Fact]
    public async Task Unlock_SameLinkRedeemedInParallel_SignsInExactlyOnce()
    {
        const string email = "raced.member@example.test";
        await factory.CreateUserAsync(email, Password);
        var attacker = factory.CreateBrowserlessClient();
        for (var i = 0; i < 5; i++)
            await PortalFactory.LoginAsync(attacker, email, $"guess number {i} of many");
        var link = await Mailbox.LinkAsync(factory, email, "/Account/Unlock");

        var clients = Enumerable.Range(0, 8).Select(_ => factory.CreateBrowserlessClient()).ToList();
        var responses = await Task.WhenAll(clients.Select(c =>
            PortalFactory.PostFormAsync(c, link, new Dictionary<string, string> { ["Input.Password"] = Password })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task DeletePersonalData_LastOwner_RefusedAndSetupStays404()
    {
        const string email = "only.owner@example.test";
        var owner = await factory.SignedInClientAsync(email, PortalRoles.Owner, Password);
        var response = await PortalFactory.PostFormAsync(owner, "/Account/Manage/DeletePersonalData", new Dictionary<string, string> { ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("only Owner", await response.Content.ReadAsStringAsync());

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByEmailAsync(email);
            Assert.NotNull(user);
            Assert.True(await users.IsInRoleAsync(user, PortalRoles.Owner));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateBrowserlessClient().GetAsync("/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task DeletePersonalData_OwnerWithAnotherOwner_ErasedAndSetupStays404()
    {
        await factory.CreateUserAsync("second.owner@example.test", Password, PortalRoles.Owner);
        var owner = await factory.SignedInClientAsync("leaving.owner@example.test", PortalRoles.Owner, Password);
        var response = await PortalFactory.PostFormAsync(owner, "/Account/Manage/DeletePersonalData", new Dictionary<string, string> { ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("leaving.owner@example.test"));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateBrowserlessClient().GetAsync("/setup")).StatusCode);
    }

    [Fact]
    public async Task Setup_EveryOwnerGone_StaysClosed_CreateAdminStillRecovers()
    {
        var owner = await factory.CreateUserAsync("vanishing.owner@example.test", Password, PortalRoles.Owner);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateBrowserlessClient().GetAsync("/setup")).StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.RemoveFromRoleAsync((await users.FindByIdAsync(owner.Id))!, PortalRoles.Owner);
        }
        // Forget what this instance remembered: only the persisted mark keeps /setup shut (as after a restart).
        factory.Services.GetRequiredService<OwnerPresence>().Known = false;
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateBrowserlessClient().GetAsync("/setup")).StatusCode);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync("recovered.owner@example.test", Password);
            Assert.True(created.Succeeded, string.Join(" ", created.Errors));
        }
        var login = await PortalFactory.LoginAsync(factory.CreateBrowserlessClient(), "recovered.owner@example.test", Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
