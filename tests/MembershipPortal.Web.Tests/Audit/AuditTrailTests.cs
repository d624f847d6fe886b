using System.Net;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Audit;

/// <summary>The audit trail: Owner-only page, append-only rows, one entry per settings value that changed.</summary>
public sealed class AuditTrailTests(OwnerStaffMemberFixture fixture) : IClassFixture<OwnerStaffMemberFixture>
{
    private T Get<T>() where T : notnull => fixture.Factory.Services.GetRequiredService<T>();

    // Every Owner/Staff write is checked against the database (AdminAccess), so the acting user must really exist.
    private async Task<AuditActor> ActorAsync(string email, string role)
    {
        var user = await fixture.Factory.CreateUserAsync(email, "a long member passphrase", role);
        return new AuditActor(user.Id, email, role);
    }

    [Fact]
    public async Task AuditPage_Owner_SeesIt()
    {
        var response = await fixture.Owner.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Audit trail", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AuditPage_Staff_AccessDenied()
    {
        var response = await fixture.Staff.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task AuditPage_Member_AccessDenied()
    {
        var response = await fixture.Member.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task SettingsChange_WritesOneEntryPerChangedValue_WithBeforeAndAfter()
    {
        var store = Get<SettingsStore>();
        var actor = await ActorAsync("audit.owner@example.test", PortalRoles.Owner);
        await store.SetAsync("test.audit.a", "1", actor);
        await store.SetManyAsync(new Dictionary<string, string> { ["test.audit.a"] = "2", ["test.audit.b"] = "x" }, actor);
        await store.SetManyAsync(new Dictionary<string, string> { ["test.audit.a"] = "2", ["test.audit.b"] = "x" }, actor); // no change

        var a = await Get<AuditLog>().SearchAsync(new AuditFilter(Target: "test.audit.a"), 0, 50);
        Assert.Equal(2, a.Total);
        Assert.Equal(("1", "2"), (a.Items[0].Before, a.Items[0].After));
        Assert.Equal((null, "1"), (a.Items[1].Before, a.Items[1].After));
        Assert.All(a.Items, e => Assert.Equal(("settings.change", "audit.owner@example.test", "Owner"), (e.Action, e.ActorName, e.ActorRole)));
        Assert.Equal(1, (await Get<AuditLog>().SearchAsync(new AuditFilter(Target: "test.audit.b"), 0, 50)).Total);
    }

    [Fact]
    public async Task SecretSetting_IsMaskedInTheTrail()
    {
        SettingsStore.SecretKeys.Add("test.audit.secret");
        await Get<SettingsStore>().SetAsync("test.audit.secret", "sk_test_abcdefgh1234", AuditActor.System);
        var entry = Assert.Single((await Get<AuditLog>().SearchAsync(new AuditFilter(Target: "test.audit.secret"), 0, 5)).Items);
        Assert.Equal("••••1234", entry.After);
        Assert.Null(entry.Before);
    }

    [Fact]
    public async Task AuditEntry_CannotBeEditedOrDeleted()
    {
        await Get<AuditLog>().RecordAsync(AuditActor.System, "test.immutable", "An entry that must stay");
        var factory = Get<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var entry = await db.AuditEntries.SingleAsync(e => e.Action == "test.immutable");
            entry.Summary = "rewritten";
            await Assert.ThrowsAsync<AuditImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(e => e.Action == "test.immutable"));
            await Assert.ThrowsAsync<AuditImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.CreateDbContextAsync())
            Assert.Equal("An entry that must stay", (await db.AuditEntries.SingleAsync(e => e.Action == "test.immutable")).Summary);
    }

    [Fact]
    public async Task Search_FiltersByActorActionTextAndDate()
    {
        var log = Get<AuditLog>();
        var clock = fixture.Factory.Clock;
        var staff = await ActorAsync("filter.staff@example.test", PortalRoles.Staff);
        await log.RecordAsync(staff, "filter.one", "Filter alpha");
        clock.Advance(TimeSpan.FromDays(3));
        await log.RecordAsync(staff, "filter.two", "Filter beta");
        await log.RecordAsync(AuditActor.System, "filter.two", "Filter gamma");

        Assert.Equal(2, (await log.SearchAsync(new AuditFilter(Actor: "filter.staff"), 0, 50)).Total);
        Assert.Equal(2, (await log.SearchAsync(new AuditFilter(Action: "filter.two"), 0, 50)).Total);
        Assert.Equal("Filter beta", Assert.Single((await log.SearchAsync(new AuditFilter(Text: "beta"), 0, 50)).Items).Summary);
        var recent = await log.SearchAsync(new AuditFilter(Action: "filter.one", From: clock.GetUtcNow().AddDays(-1)), 0, 50);
        Assert.Equal(0, recent.Total);
        Assert.Contains("filter.two", await log.ActionsAsync());
    }

    [Fact]
    public async Task OwnerChanges_AcrossServices_EachWriteOneEntryAsTheActingUser()
    {
        var owner = await ActorAsync("acting.owner@example.test", PortalRoles.Owner);
        AuditAmbient.Current = owner;
        try
        {
            await using var scope = fixture.Factory.Services.CreateAsyncScope();
            var useCases = scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Shared.UseCases.UseCaseRunner>();
            var created = await useCases.RunAsync(new MembershipPortal.Web.Features.Catalog.UseCases.SaveProduct(null, new MembershipPortal.Web.Features.Catalog.ProductInput
            {
                Kind = MembershipPortal.Domain.Catalog.ProductKind.Membership,
                Name = "Audited tier",
                Slug = "audited-tier",
                Rank = 5,
            }));
            Assert.True(created.Succeeded, created.Message);
            var refused = await useCases.RunAsync(new MembershipPortal.Web.Features.Catalog.UseCases.SaveProduct(null, new MembershipPortal.Web.Features.Catalog.ProductInput
            {
                Kind = MembershipPortal.Domain.Catalog.ProductKind.Membership,
                Name = "",
                Slug = "audited-tier",
                Rank = 5,
            }));
            Assert.False(refused.Succeeded);

            await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Shared.BillingSettings>()
                .SetDunningAsync(new MembershipPortal.Domain.Dunning.DunningPolicy([2, 4], 9, MembershipPortal.Domain.Billing.GraceExpiryAction.Cancel));
            var template = await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Notifications.NoticeTemplateService>()
                .SaveAsync(MembershipPortal.Web.Features.Notifications.NoticeKind.Welcome, "Welcome aboard", "Hello {{member.first_name}}");
            Assert.True(template.Saved, string.Join(" ", template.Errors));
        }
        finally
        {
            AuditAmbient.Current = null;
        }

        var mine = await Get<AuditLog>().SearchAsync(new AuditFilter(Actor: "acting.owner@example.test"), 0, 50);
        Assert.Equal(1, mine.Items.Count(e => e.Action == "catalog.product.create"));
        Assert.Equal(3, mine.Items.Count(e => e.Action == "settings.change")); // retry days, grace days, final action
        Assert.Equal(1, mine.Items.Count(e => e.Action == "email.template.save"));
        Assert.All(mine.Items, e => Assert.Equal((owner.Id, "Owner"), (e.ActorId, e.ActorRole)));
    }
}
