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
/// <param name="TargetType">What the audit entry names as acted on: "member" (the default), or "product", "course" ...</param>
/// <param name="TargetId">The id of a target that is not a member (set it on <see cref="UseCaseScope.TargetId"/> once created).</param>
public sealed record UseCase(string Action, string? MemberId, bool SelfService, string TargetType = "member", string? TargetId = null)
{
    /// <summary>Something a member does to their own account, which the Owner or Staff may also do for them.</summary>
    public static UseCase ForMember(string action, string memberId) => new(action, memberId, SelfService: true);

    /// <summary>An Owner/Staff action on a member's account: always checked, always audited.</summary>
    public static UseCase Admin(string action, string memberId) => new(action, memberId, SelfService: false);

    /// <summary>An Owner/Staff action on something that is not a member (a course, a product): checked and audited.</summary>
    public static UseCase OnTarget(string action, string targetType, string? targetId = null) =>
        new(action, null, SelfService: false, targetType, targetId);
}

/// <summary>
/// A state-changing request: a record holding what the person asked for. Exactly one
/// <see cref="IUseCaseHandler{TRequest}"/> runs it, through <see cref="UseCaseRunner.RunAsync{TRequest}"/>.
/// </summary>
public interface IUseCaseRequest
{
    /// <summary>The audit action and the account or thing acted on.</summary>
    UseCase Describe();
}

/// <summary>
/// One use case, in its own file beside its request: load, one Domain call, stage the change on <see cref="UseCaseScope.Db"/>
/// and return the sentence the person reads. The runner saves it with its audit entry; throw a
/// <see cref="UseCaseRefused"/> (or let a rule's <see cref="DomainException"/> through) to change nothing. Handlers are
/// found and registered by <see cref="DependencyInjection.AddPortalShared"/>.
/// </summary>
public interface IUseCaseHandler<in TRequest> where TRequest : IUseCaseRequest
{
    Task<string> RunAsync(TRequest request, UseCaseScope uc);
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

    /// <summary>The id of what the use case created or acted on, for the audit entry and the <see cref="Outcome.Id"/>.</summary>
    public Guid? TargetId { get; set; }

    /// <summary>The audit entry's target when it is not <see cref="TargetId"/> (a lesson's changes are recorded on its course).</summary>
    public string? AuditTargetId { get; set; }

    /// <summary>The use case found nothing to change (a rename to the same title, a move to where it already is): no audit entry.</summary>
    public bool Unchanged { get; set; }

    /// <summary>
    /// What the person reads when the save breaks a unique index (two editors claiming the same slug at the same moment);
    /// without it such a failure is not caught.
    /// </summary>
    public string? ConflictMessage { get; set; }

    private List<Action>? saved;

    /// <summary>Runs <paramref name="action"/> once the change is saved (a cache to refresh), never when it is rolled back.</summary>
    public void OnSaved(Action action) => (saved ??= []).Add(action);

    internal void Saved()
    {
        foreach (var action in saved ?? [])
            action();
    }
}

/// <summary>
/// Runs every state-changing use case the same way: open the unit of work, check the acting user at this moment (exists,
/// not locked, holds the role, Staff never on an Owner or Staff account), run the use case (load, one Domain call),
/// then save its changes and its audit entry in the same SaveChanges. A rule's <see cref="DomainException"/>, a
/// <see cref="UseCaseRefused"/>, a refused actor or a concurrent edit rolls everything back and comes back as a failed
/// <see cref="Outcome"/> with the reason in words.
/// </summary>
public sealed class UseCaseRunner(IDbContextFactory<AppDbContext> dbFactory, CurrentActor actor, AuditLog audit, TimeProvider clock, IServiceProvider services)
{
    /// <summary>Runs <paramref name="request"/> with its one handler.</summary>
    public Task<Outcome> RunAsync<TRequest>(TRequest request, CancellationToken ct = default) where TRequest : IUseCaseRequest
    {
        var handler = services.GetRequiredService<IUseCaseHandler<TRequest>>();
        return RunAsync(request.Describe(), uc => handler.RunAsync(request, uc), ct);
    }

    public async Task<Outcome> RunAsync(UseCase useCase, Func<UseCaseScope, Task<string>> work, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        UseCaseScope? scope = null;
        try
        {
            var who = await actor.GetActingAsync();
            var audited = !useCase.SelfService || (who.Id != useCase.MemberId && !AdminAccess.IsSystem(who));
            if (audited)
                who = await AdminAccess.CheckAsync(db, who, useCase.Action, useCase.MemberId, ct);
            scope = new UseCaseScope(db, who, clock.GetUtcNow(), ct);
            var message = await work(scope);
            var targetId = useCase.MemberId ?? scope.AuditTargetId ?? useCase.TargetId ?? scope.TargetId?.ToString();
            if (audited && !scope.Unchanged)
                audit.Add(db, who, scope.AuditAction ?? useCase.Action, scope.AuditSummary ?? message, useCase.TargetType, targetId, scope.AuditBefore, scope.AuditAfter);
            await db.SaveChangesAsync(ct);
            scope.Saved();
            return Outcome.Ok(message) with { Id = scope.TargetId };
        }
        catch (Exception ex) when (ex is DomainException or UseCaseRefused or ActionRefusedException)
        {
            return Outcome.Fail(ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.Fail("This changed in the meantime; reload the page and try again.");
        }
        catch (DbUpdateException) when (scope?.ConflictMessage is { } conflict)
        {
            return Outcome.Fail(conflict);
        }
    }
}
