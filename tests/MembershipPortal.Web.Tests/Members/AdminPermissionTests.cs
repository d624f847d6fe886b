using System.Net;
using System.Text;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Members;

/// <summary>Who may do what, decided when each action runs: locks, demotions, Owner-only actions, Staff on Staff.</summary>
public sealed class AdminPermissionTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private const string Password = "a long member passphrase";

    private async Task<AuditActor> NewStaffAsync(string prefix)
    {
        var email = $"{prefix}{Guid.NewGuid():N}@example.test";
        var user = await fixture.Factory.CreateUserAsync(email, Password, PortalRoles.Staff);
        return new AuditActor(user.Id, email, PortalRoles.Staff);
    }

    private async Task<(int Notes, int Comps, SubscriptionStatus Status, List<string> Audit)> StateAsync(string memberId, Guid subscriptionId)
    {
        await using var db = await fixture.Db();
        return (await db.MemberNotes.CountAsync(n => n.MemberId == memberId), await db.Comps.CountAsync(c => c.MemberId == memberId),
            (await db.Subscriptions.SingleAsync(s => s.Id == subscriptionId)).Status, (await fixture.AuditFor(memberId)).Select(e => e.Action).ToList());
    }

    [Fact]
    public async Task Actions_StaffLockedAfterThePageLoaded_RefusedAndChangeNothing()
    {
        // The open tab's circuit still holds the Staff claims it started with.
        var staff = await NewStaffAsync("locked.staff");
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        Assert.True((await fixture.Factory.RunAsAsync(staff, new AddMemberNote(buyer.Id, "Before the lock"))).Succeeded);
        Assert.True((await fixture.Factory.RunAsAsync(fixture.OwnerActor, new SetMemberLocked(staff.Id!, true))).Succeeded);

        var note = await fixture.Factory.RunAsAsync(staff, new AddMemberNote(buyer.Id, "After the lock"));
        var comp = await fixture.Factory.RunAsAsync(staff, new CompMember(buyer.Id, fixture.Catalog.ProProduct, null));
        var pause = await fixture.Factory.RunAsAsync(staff, new PauseSubscription(buyer.Id, buyer.SubscriptionId, 1));
        Assert.All([note, comp], r => Assert.False(r.Succeeded));
        Assert.False(pause.Succeeded);
        Assert.Contains("locked", note.Message);
        var state = await StateAsync(buyer.Id, buyer.SubscriptionId);
        Assert.Equal((1, 0, SubscriptionStatus.Active), (state.Notes, state.Comps, state.Status));
        Assert.Equal(["member.note"], state.Audit);
    }

    [Fact]
    public async Task Actions_StaffDemotedOrDeletedAfterThePageLoaded_Refused()
    {
        var demoted = await NewStaffAsync("demoted.staff");
        var deleted = await NewStaffAsync("deleted.staff");
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.RemoveFromRoleAsync((await users.FindByIdAsync(demoted.Id!))!, PortalRoles.Staff);
            await users.DeleteAsync((await users.FindByIdAsync(deleted.Id!))!);
        }
        Assert.False((await fixture.Factory.RunAsAsync(demoted, new AddMemberNote(buyer.Id, "Demoted"))).Succeeded);
        Assert.False((await fixture.Factory.RunAsAsync(deleted, new AddMemberNote(buyer.Id, "Deleted"))).Succeeded);
        Assert.False((await fixture.Factory.RunAsAsync(demoted, new PauseSubscription(buyer.Id, buyer.SubscriptionId, 1))).Succeeded);
        var state = await StateAsync(buyer.Id, buyer.SubscriptionId);
        Assert.Equal((0, 0, SubscriptionStatus.Active), (state.Notes, state.Comps, state.Status));
        Assert.Empty(state.Audit);
    }

    [Fact]
    public async Task StaffOnOwnerOrStaff_EveryMemberAction_Refused()
    {
        await using (var db = await fixture.Db())
        {
            var ownerId = (await db.Users.SingleAsync(u => u.Email == "members.owner@example.test")).Id;
            var otherStaff = (await NewStaffAsync("other.staff")).Id!;
            foreach (var target in new[] { ownerId, otherStaff })
            {
                var results = new[]
                {
                    await fixture.Factory.RunAsAsync(fixture.StaffActor, new SetMemberLocked(target, true)),
                    await fixture.Factory.RunAsAsync(fixture.StaffActor, new CompMember(target, fixture.Catalog.ProProduct, null)),
                    await fixture.Factory.RunAsAsync(fixture.StaffActor, new AddMemberNote(target, "Staff on the team")),
                    await fixture.Factory.RunAsAsync(fixture.StaffActor, new EraseMember(target)),
                };
                Assert.All(results, r => Assert.False(r.Succeeded));
                Assert.Null(await fixture.AsStaffAsync((m, _) => m.ExportAsync(target)));
                Assert.Empty(await fixture.AuditFor(target));
                Assert.False(await db.MemberNotes.AnyAsync(n => n.MemberId == target));
                Assert.False(await db.Comps.AnyAsync(c => c.MemberId == target));
                Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == target)).LockoutEnd);
            }
        }
    }

    [Fact]
    public async Task Staff_RefundAndErase_RefusedInTheService()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        Guid paymentId;
        await using (var db = await fixture.Db())
            paymentId = (await db.Payments.SingleAsync(p => p.MemberId == buyer.Id)).Id;
        Assert.False((await fixture.Factory.RunAsAsync(fixture.StaffActor, new RefundPayment(buyer.Id, paymentId, 100))).Succeeded);
        Assert.False((await fixture.Factory.RunAsAsync(fixture.StaffActor, new EraseMember(buyer.Id))).Succeeded);
        await using (var db = await fixture.Db())
        {
            Assert.False(await db.Payments.AnyAsync(p => p.MemberId == buyer.Id && p.Outcome == PaymentOutcome.Refunded));
            Assert.Equal(buyer.Email, (await db.Users.SingleAsync(u => u.Id == buyer.Id)).Email);
        }
        Assert.Empty(await fixture.AuditFor(buyer.Id));
    }

    [Fact]
    public async Task Staff_SettingsTemplatesImportsAndTeam_RefusedInTheService()
    {
        AuditAmbient.Current = fixture.StaffActor;
        try
        {
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await Assert.ThrowsAsync<ActionRefusedException>(() => services.GetRequiredService<SettingsStore>().SetAsync(SettingKeys.BusinessName, "Staff's shop"));
            await Assert.ThrowsAsync<ActionRefusedException>(() => services.GetRequiredService<BillingSettings>().SetDunningAsync(new DunningPolicy([1], 3, GraceExpiryAction.Cancel)));
            await Assert.ThrowsAsync<ActionRefusedException>(() => services.GetRequiredService<NoticeTemplateService>().SaveAsync(NoticeKind.Welcome, "Hijacked", "Hello {{member.first_name}}"));
            await Assert.ThrowsAsync<ActionRefusedException>(() => services.GetRequiredService<HistoryImportService>()
                .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes("not,a,file\n")), "history.csv"));
            var invite = await services.GetRequiredService<TeamService>().InviteAsync("staff.invites.staff@example.test");
            Assert.False(invite.Succeeded);
            Assert.Null(await services.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("staff.invites.staff@example.test"));
            Assert.False((await services.GetRequiredService<TeamService>().ChangeRoleAsync(fixture.StaffActor.Id!, PortalRoles.Owner)).Succeeded);
        }
        finally
        {
            AuditAmbient.Current = null;
        }
        await using var db = await fixture.Db();
        Assert.False(await db.Settings.AnyAsync(s => s.Key == SettingKeys.BusinessName && s.Value == "Staff's shop"));
        Assert.False(await db.NoticeTemplates.AnyAsync(t => t.Subject == "Hijacked"));
        Assert.False(await db.AuditEntries.AnyAsync(e => e.ActorId == fixture.StaffActor.Id && (e.Action.StartsWith("settings.") || e.Action.StartsWith("team."))));
    }

    [Fact]
    public async Task SelfDelete_MemberWithALiveSubscription_ErasedAndTheSubscriptionEnds()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Selfdeleting");
        var client = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, buyer.Email, Password)).StatusCode);
        var response = await PortalFactory.PostFormAsync(client, "/Account/Manage/DeletePersonalData", new Dictionary<string, string> { ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        await using var db = await fixture.Db();
        Assert.Equal(SubscriptionStatus.Canceled, (await db.Subscriptions.SingleAsync(s => s.Id == buyer.SubscriptionId)).Status);
        var user = await db.Users.SingleAsync(u => u.Id == buyer.Id);
        Assert.NotEqual(buyer.Email, user.Email);
        Assert.Null(user.FirstName);
        Assert.True(await db.Invoices.AnyAsync(i => i.MemberId == buyer.Id));
        Assert.Equal("account.self-delete", (await fixture.AuditFor(buyer.Id)).Last().Action);
        Assert.NotEqual(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(fixture.Factory.CreateBrowserlessClient(), buyer.Email, Password)).StatusCode);
    }

    [Fact]
    public async Task Team_InviteAcceptSignIn_WorksAsStaff()
    {
        var email = $"invited{Guid.NewGuid():N}@example.test";
        var invited = await AsOwnerTeamAsync(t => t.InviteAsync(email));
        Assert.True(invited.Succeeded, invited.Message);

        var link = await Mailbox.LinkAsync(fixture.Factory, email, "/Account/ResetPassword");
        var browser = fixture.Factory.CreateBrowserlessClient();
        var accepted = await PortalFactory.PostFormAsync(browser, link, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "my own staff passphrase",
            ["Input.ConfirmPassword"] = "my own staff passphrase",
        });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Contains("ResetPasswordConfirmation", accepted.Headers.Location!.OriginalString);

        var staff = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(staff, email, "my own staff passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/admin/members")).StatusCode);
        var team = await staff.GetAsync("/admin/settings/team");
        Assert.StartsWith("/Account/AccessDenied", team.Headers.Location!.PathAndQuery);
        await using var db = await fixture.Db();
        var id = (await db.Users.SingleAsync(u => u.Email == email)).Id;
        Assert.Equal("team.invite", Assert.Single(await fixture.AuditFor(id)).Action);
    }

    [Fact]
    public async Task Team_ChangeRoleAndRemove_AuditedAndTheLastOwnerStays()
    {
        var member = await NewStaffAsync("team.member");
        Assert.True((await AsOwnerTeamAsync(t => t.ChangeRoleAsync(member.Id!, PortalRoles.Owner))).Succeeded);
        Assert.True((await AsOwnerTeamAsync(t => t.ChangeRoleAsync(member.Id!, PortalRoles.Staff))).Succeeded);
        Assert.True((await AsOwnerTeamAsync(t => t.RemoveAsync(member.Id!))).Succeeded);
        Assert.Equal(["team.role", "team.role", "team.remove"], (await fixture.AuditFor(member.Id!)).Select(e => e.Action));
        // A removed Staff member's open tab can do nothing more.
        Assert.False((await fixture.Factory.RunAsAsync(member, new AddMemberNote(fixture.MemberId, "Still here?"))).Succeeded);

        var demoteSelf = await AsOwnerTeamAsync(t => t.ChangeRoleAsync(fixture.OwnerActor.Id!, PortalRoles.Staff));
        Assert.False(demoteSelf.Succeeded);
        Assert.False((await AsOwnerTeamAsync(t => t.RemoveAsync(fixture.OwnerActor.Id!))).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Owner.GetAsync("/admin/settings/team")).StatusCode);
    }

    private async Task<Outcome> AsOwnerTeamAsync(Func<TeamService, Task<Outcome>> action)
    {
        AuditAmbient.Current = fixture.OwnerActor;
        try
        {
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<TeamService>());
        }
        finally
        {
            AuditAmbient.Current = null;
        }
    }
}
