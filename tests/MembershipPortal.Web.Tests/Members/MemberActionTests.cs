using System.Net;
using System.Text.Json;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Members;

/// <summary>The remaining member actions: each changes what it says and writes exactly one audit entry.</summary>
public sealed class MemberActionTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task Pause_ByStaff_PausesAndAuditsOnce()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var result = await fixture.Factory.RunAsAsync(fixture.StaffActor, new PauseSubscription(buyer.Id, buyer.SubscriptionId, 1));
        Assert.True(result.Succeeded, result.Message);
        await using var db = await fixture.Db();
        Assert.Equal(SubscriptionStatus.Paused, (await db.Subscriptions.SingleAsync(s => s.Id == buyer.SubscriptionId)).Status);
        Assert.Equal("member.subscription", Assert.Single(await fixture.AuditFor(buyer.Id)).Action);
    }

    [Fact]
    public async Task PauseOnBehalf_ByStaff_ChecksAndAuditsOnce_UnderTheAdminAction()
    {
        // The admin member page runs the member's own request: one check, one entry (a wrapping admin run wrote two).
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var result = await fixture.Factory.RunAsAsync(fixture.StaffActor, new PauseSubscription(buyer.Id, buyer.SubscriptionId, 1, OnBehalf: true));
        Assert.True(result.Succeeded, result.Message);
        var entry = Assert.Single(await fixture.AuditFor(buyer.Id));
        Assert.Equal(("member.subscription.pause", $"Paused subscription {buyer.SubscriptionId} for 1 month(s)"), (entry.Action, entry.Summary));

        // Only the Owner or Staff act on someone's behalf: the member asking for it on their own account is refused.
        var other = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var self = await fixture.Factory.RunAsAsync(new AuditActor(other.Id, other.Email, "Member"), new PauseSubscription(other.Id, other.SubscriptionId, 1, OnBehalf: true));
        Assert.False(self.Succeeded);
        await using var db = await fixture.Db();
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync(s => s.Id == other.SubscriptionId)).Status);
        Assert.Empty(await fixture.AuditFor(other.Id));
    }

    [Fact]
    public async Task ExportJson_HoldsTheirData_AndIsAudited()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Exportable");
        var response = await fixture.Staff.GetAsync($"/admin/members/{buyer.Id}/export.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(buyer.Email, json.RootElement.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal("Exportable", json.RootElement.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("invoices").GetArrayLength());
        Assert.Equal("member.export", Assert.Single(await fixture.AuditFor(buyer.Id)).Action);
    }

    [Fact]
    public async Task ResendConfirmation_UnconfirmedOnly_EmailsTheLink_Audited()
    {
        var email = $"unconfirmed{Guid.NewGuid():N}@example.test";
        string id;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, CreatedAt = fixture.Factory.Clock.GetUtcNow() };
            Assert.True((await users.CreateAsync(user, "a long member passphrase")).Succeeded);
            id = user.Id;
        }
        var before = Directory.Exists(fixture.Factory.MailDirectory) ? Directory.GetFiles(fixture.Factory.MailDirectory).Length : 0;
        var result = await fixture.Factory.RunAsAsync(fixture.StaffActor, new ResendEmailConfirmation(id));
        Assert.True(result.Succeeded, result.Message);
        var mail = Directory.GetFiles(fixture.Factory.MailDirectory).Select(File.ReadAllText).Where(m => m.Contains(email, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains(mail, m => m.Contains("ConfirmEmail", StringComparison.Ordinal));
        Assert.True(Directory.GetFiles(fixture.Factory.MailDirectory).Length > before);
        Assert.Equal("member.email.confirmation", Assert.Single(await fixture.AuditFor(id)).Action);

        var confirmed = await fixture.Factory.RunAsAsync(fixture.StaffActor, new ResendEmailConfirmation(fixture.MemberId));
        Assert.False(confirmed.Succeeded);
    }

    [Fact]
    public async Task EndComp_EndsAccessNow_Audited()
    {
        var target = (await fixture.BuyerAsync(fixture.Catalog.BasicMonthly)).Id;
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new CompMember(target, fixture.Catalog.ProProduct, null))).Succeeded);
        Guid compId;
        await using (var db = await fixture.Db())
            compId = (await db.Comps.SingleAsync(c => c.MemberId == target)).Id;
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new EndMemberComp(target, compId))).Succeeded);
        await using (var db = await fixture.Db())
            Assert.Equal(fixture.Factory.Clock.GetUtcNow(), (await db.Comps.SingleAsync(c => c.Id == compId)).Until);
        Assert.Equal(["member.comp", "member.comp.end"], (await fixture.AuditFor(target)).Select(e => e.Action));
    }
}
