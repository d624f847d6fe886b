using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Audit;

/// <summary>Filters for <see cref="AuditLog.SearchAsync"/>; every field optional.</summary>
public sealed record AuditFilter(
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    string? Text = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>
/// Writes and reads the audit trail. <see cref="Add"/> only stages the entry on the caller's context so it is saved in
/// the same SaveChanges as the change it describes: an action is either recorded with its audit row or not at all.
/// </summary>
public sealed class AuditLog(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxValueLength = 4000;

    public AuditEntry Add(AppDbContext db, AuditActor actor, string action, string summary,
        string? targetType = null, string? targetId = null, string? before = null, string? after = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(summary);
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow(),
            ActorId = actor.Id,
            ActorName = Clip(actor.Name, 256)!,
            ActorRole = actor.Role,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Summary = Clip(summary, 1000)!,
            Before = Clip(before, MaxValueLength),
            After = Clip(after, MaxValueLength),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Records an action that has no other row to save with it (a test email sent, a connection checked).</summary>
    public async Task RecordAsync(AuditActor actor, string action, string summary, string? targetType = null,
        string? targetId = null, string? before = null, string? after = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, actor, action, summary, targetType, targetId, before, after);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Newest first, paged on the server.</summary>
    public async Task<AuditPage> SearchAsync(AuditFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim();
            q = q.Where(e => e.ActorName.Contains(actor) || e.ActorId == actor);
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim();
            q = q.Where(e => e.Action == action || e.Action.StartsWith(action + "."));
        }
        if (!string.IsNullOrWhiteSpace(filter.Target))
        {
            var target = filter.Target.Trim();
            q = q.Where(e => e.TargetId == target);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            q = q.Where(e => e.Summary.Contains(text));
        }
        if (filter.From is { } from)
            q = q.Where(e => e.At >= from);
        if (filter.To is { } to)
            q = q.Where(e => e.At < to);
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new AuditPage(items, total);
    }

    /// <summary>The distinct action names seen so far, for the filter drop-down.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEntries.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }

    private static string? Clip(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..(max - 1)] + "…";
}

/// <summary>Raised when code tries to change or remove an audit row.</summary>
public sealed class AuditImmutableException()
    : InvalidOperationException("Audit entries cannot be changed or deleted.");
