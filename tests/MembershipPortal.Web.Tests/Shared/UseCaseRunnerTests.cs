using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Members;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Shared;

/// <summary>
/// The one runner every state-changing use case goes through: the actor checked when it runs, the change and its audit
/// entry in one save, and a refusal or a broken rule leaving nothing behind.
/// </summary>
public sealed class UseCaseRunnerTests : IClassFixture<UseCaseRunnerTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public PortalFactory Factory { get; } = new();
        public AuditActor Owner { get; private set; } = null!;
        public AuditActor Staff { get; private set; } = null!;
        public AuditActor OtherStaff { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Owner = await ActorAsync("runner.owner@example.test", PortalRoles.Owner);
            Staff = await ActorAsync("runner.staff@example.test", PortalRoles.Staff);
            OtherStaff = await ActorAsync("runner.staff2@example.test", PortalRoles.Staff);
        }

        public async Task<AuditActor> ActorAsync(string email, string? role)
        {
            var user = await Factory.CreateUserAsync(email, "a long member passphrase", role);
            return new AuditActor(user.Id, email, role ?? "Member");
        }

        public async Task<AppDbContext> Db() => await Factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        /// <summary>Runs a use case as <paramref name="actor"/>, the way a circuit event does (the acting user is ambient).</summary>
        public async Task<Outcome> RunAsAsync(AuditActor? actor, UseCase useCase, Func<UseCaseScope, Task<string>> work)
        {
            AuditAmbient.Current = actor;
            try
            {
                await using var scope = Factory.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(useCase, work);
            }
            finally
            {
                AuditAmbient.Current = null;
            }
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly Fixture fixture;

    public UseCaseRunnerTests(Fixture fixture) => this.fixture = fixture;

    /// <summary>A use case that writes a staff note on <paramref name="memberId"/>, optionally then breaking a rule.</summary>
    private static Func<UseCaseScope, Task<string>> AddNote(string memberId, string text, bool thenBreakARule = false) => uc =>
    {
        uc.Db.MemberNotes.Add(new MemberNote { MemberId = memberId, AuthorId = uc.Actor.Id, AuthorName = uc.Actor.Name, Text = text, At = uc.Now });
        uc.AuditSummary = $"Added “{text}”";
        if (thenBreakARule)
            throw new DomainException("Notes on Tuesdays are not allowed.");
        return Task.FromResult("Note added.");
    };

    private async Task<(int Notes, List<AuditEntry> Audit)> WrittenAsync(string memberId)
    {
        await using var db = await fixture.Db();
        return (await db.MemberNotes.CountAsync(n => n.MemberId == memberId),
            await db.AuditEntries.Where(e => e.TargetId == memberId).OrderBy(e => e.Id).ToListAsync());
    }

    [Fact]
    public async Task AdminUseCase_SavesTheChangeAndItsAuditEntryTogether()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        var outcome = await fixture.RunAsAsync(fixture.Staff, UseCase.Admin("member.note", member.Id!), AddNote(member.Id!, "Called about the kit"));

        Assert.Equal(Outcome.Ok("Note added."), outcome);
        var (notes, audit) = await WrittenAsync(member.Id!);
        Assert.Equal(1, notes);
        var entry = Assert.Single(audit);
        Assert.Equal(("member.note", "Added “Called about the kit”", fixture.Staff.Id), (entry.Action, entry.Summary, entry.ActorId));
    }

    [Fact]
    public async Task BrokenRule_RollsBackTheChangeAndTheAudit_AndSaysWhy()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        var outcome = await fixture.RunAsAsync(fixture.Owner, UseCase.Admin("member.note", member.Id!), AddNote(member.Id!, "Half-written", thenBreakARule: true));

        Assert.Equal(Outcome.Fail("Notes on Tuesdays are not allowed."), outcome);
        Assert.Equal((0, 0), ((await WrittenAsync(member.Id!)).Notes, (await WrittenAsync(member.Id!)).Audit.Count));
    }

    [Fact]
    public async Task LockedStaff_IsRefusedWhenTheActionRuns_AndTheUseCaseNeverStarts()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        var staff = await fixture.ActorAsync($"s{Guid.NewGuid():N}@example.test", PortalRoles.Staff);
        await using (var db = await fixture.Db())
        {
            var user = await db.Users.SingleAsync(u => u.Id == staff.Id);
            user.LockoutEnd = DateTimeOffset.MaxValue;
            await db.SaveChangesAsync();
        }
        var started = false;
        var outcome = await fixture.RunAsAsync(staff, UseCase.Admin("member.note", member.Id!), uc =>
        {
            started = true;
            return AddNote(member.Id!, "Should not land")(uc);
        });

        Assert.Equal(Outcome.Fail("Your account is locked."), outcome);
        Assert.False(started);
        Assert.Equal(0, (await WrittenAsync(member.Id!)).Notes);
    }

    [Fact]
    public async Task StaffOnOtherStaff_AndOwnerOnlyActionsByStaff_AreRefused()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        Assert.Equal(Outcome.Fail("Staff act on members only, never on the Owner or other Staff."),
            await fixture.RunAsAsync(fixture.Staff, UseCase.Admin("member.note", fixture.OtherStaff.Id!), AddNote(fixture.OtherStaff.Id!, "No")));
        Assert.Equal(Outcome.Fail("Only the Owner can do this."),
            await fixture.RunAsAsync(fixture.Staff, UseCase.Admin("member.refund", member.Id!), AddNote(member.Id!, "No")));
        Assert.Equal(0, (await WrittenAsync(member.Id!)).Notes);
        Assert.Equal(0, (await WrittenAsync(fixture.OtherStaff.Id!)).Notes);
    }

    [Fact]
    public async Task SelfService_ByTheMember_IsNotAudited_ButStaffDoingItForThem_Is()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        var useCase = UseCase.ForMember("member.subscription", member.Id!);

        Assert.True((await fixture.RunAsAsync(member, useCase, AddNote(member.Id!, "Mine"))).Succeeded);
        Assert.Empty((await WrittenAsync(member.Id!)).Audit);

        Assert.True((await fixture.RunAsAsync(fixture.Staff, useCase, AddNote(member.Id!, "For them"))).Succeeded);
        Assert.Equal(fixture.Staff.Id, Assert.Single((await WrittenAsync(member.Id!)).Audit).ActorId);
        Assert.Equal(2, (await WrittenAsync(member.Id!)).Notes);
    }

    [Fact]
    public async Task SelfService_ForSomeoneElse_ByAPlainMember_IsRefused()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);
        var intruder = await fixture.ActorAsync($"i{Guid.NewGuid():N}@example.test", null);
        var outcome = await fixture.RunAsAsync(intruder, UseCase.ForMember("member.subscription", member.Id!), AddNote(member.Id!, "Not yours"));

        Assert.Equal(Outcome.Fail("Your account no longer has access to the admin area."), outcome);
        Assert.Equal(0, (await WrittenAsync(member.Id!)).Notes);
    }

    [Fact]
    public async Task ARequest_RunsItsOneHandler_ThroughTheRunner_WithItsAuditEntry()
    {
        var member = await fixture.ActorAsync($"m{Guid.NewGuid():N}@example.test", null);

        Assert.Equal(Outcome.Ok("Note added."), await fixture.Factory.RunAsAsync(fixture.Staff, new AddMemberNote(member.Id!, "Prefers email")));
        Assert.Equal(Outcome.Fail("Write the note first."), await fixture.Factory.RunAsAsync(fixture.Staff, new AddMemberNote(member.Id!, "  ")));

        var (notes, audit) = await WrittenAsync(member.Id!);
        Assert.Equal(1, notes);
        Assert.Equal(("member.note", "Added a staff note"), (Assert.Single(audit).Action, audit[0].Summary));
    }

    [Fact]
    public void EveryHandlerInThePortal_IsRegistered_ForItsRequest()
    {
        var contracts = typeof(UseCaseRunner).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IUseCaseHandler<>))
            .ToList();
        Assert.Contains(typeof(IUseCaseHandler<AddMemberNote>), contracts);
        using var scope = fixture.Factory.Services.CreateScope();
        Assert.All(contracts, c => Assert.NotNull(scope.ServiceProvider.GetService(c)));
    }
}
