using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Shared.UseCases;

/// <summary>
/// Which use case runs, on whose account. <see cref="Action"/> is the audit action name, which also decides whether only
/// the Owner may run it (<see cref="AdminAccess.OwnerOnlyActions"/>).
/// </summary>
/// <param name="SelfService">
/// The member may do it to their own account (their billing page): then it is neither checked as an admin action nor
/// audited. Anyone else (the Owner or Staff from /admin/members) is checked and audited, as for an admin use case.
/// </param>
public sealed record UseCase(string Action, string MemberId, bool SelfService)
{
    /// <summary>Something a member does to their own account, which the Owner or Staff may also do for them.</summary>
    public static UseCase ForMember(string action, string memberId) => new(action, memberId, SelfService: true);

    /// <summary>An Owner/Staff action on a member's account: always checked, always audited.</summary>
    public static UseCase Admin(string action, string memberId) => new(action, memberId, SelfService: false);
}

/// <summary>The unit of work a use case runs in: one database context, the acting user as the database knows them now, one clock reading.</summary>
public sealed class UseCaseScope(AppDbContext db, AuditActor actor, DateTimeOffset now, CancellationToken ct)
{
    public AppDbContext Db { get; } = db;
    public AuditActor Actor { get; } = actor;
    public DateTimeOffset Now { get; } = now;
    public CancellationToken Ct { get; } = ct;

    /// <summary>The audit entry's summary (and before/after values); the returned message when not set.</summary>
    public string? AuditSummary { get; set; }
    public string? AuditBefore { get; set; }
    public string? AuditAfter { get; set; }

    /// <summary>The audit action, when this run turned out to be a different one than the use case's name (a plan change).</summary>
    public string? AuditAction { get; set; }
}

/// <summary>
/// Runs every state-changing use case the same way: open the unit of work, check the acting user at this moment (exists,
/// not locked, holds the role, Staff never on an Owner or Staff account), run the use case (load, one Domain call),
/// then save its changes and its audit entry in the same SaveChanges. A rule's <see cref="DomainException"/>, a
/// <see cref="UseCaseRefused"/>, a refused actor or a concurrent edit rolls everything back and comes back as a failed
/// <see cref="Outcome"/> with the reason in words.
/// </summary>
public sealed class UseCaseRunner(IDbContextFactory<AppDbContext> dbFactory, CurrentActor actor, AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome> RunAsync(UseCase useCase, Func<UseCaseScope, Task<string>> work, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            var who = await actor.GetActingAsync();
            var audited = !useCase.SelfService || (who.Id != useCase.MemberId && !AdminAccess.IsSystem(who));
            if (audited)
                who = await AdminAccess.CheckAsync(db, who, useCase.Action, useCase.MemberId, ct);
            var scope = new UseCaseScope(db, who, clock.GetUtcNow(), ct);
            var message = await work(scope);
            if (audited)
                audit.Add(db, who, scope.AuditAction ?? useCase.Action, scope.AuditSummary ?? message, "member", useCase.MemberId, scope.AuditBefore, scope.AuditAfter);
            await db.SaveChangesAsync(ct);
            return Outcome.Ok(message);
        }
        catch (Exception ex) when (ex is DomainException or UseCaseRefused or ActionRefusedException)
        {
            return Outcome.Fail(ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.Fail("This changed in the meantime; reload the page and try again.");
        }
    }
}
