using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe.Import;
using MembershipPortal.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.StripeImport;

/// <summary>A catalog price the mapping table offers.</summary>
public sealed record PlanChoice(Guid PriceId, string Label, string Currency, string Interval, int IntervalCount);

/// <summary>An imported member, for the "claim your account" invitations.</summary>
public sealed record ImportedMember(string MemberId, string Email, DateTimeOffset ImportedAt, DateTimeOffset? InvitedAt, bool HasPassword);

/// <summary>
/// The Owner page's use of <see cref="StripeImporter"/> (/admin/settings/stripe/import). Every action checks, when it runs,
/// that the actor is the Owner as the database knows them now, and is audited. A run continues in the background while
/// the page shows its progress; leaving the page does not stop it.
/// </summary>
public sealed class StripeImportService(
    IDbContextFactory<AppDbContext> dbFactory, StripeImporter importer, IPaymentGateway gateway, AuditLog audit, AccountMailQueue mail,
    TimeProvider clock, ILogger<StripeImportService> logger)
{
    private Task<StripeImportResult>? running;

    public bool Available => gateway.UsesHostedPages;

    public StripeImportResult? LastResult { get; private set; }

    public bool IsRunning => running is { IsCompleted: false };

    public Task<StripeImportProgress> ProgressAsync(CancellationToken ct = default) => importer.ProgressAsync(ct);

    public Task<IReadOnlyList<StripePriceMapping>> MappingsAsync(CancellationToken ct = default) => importer.MappingsAsync(ct);

    public async Task<IReadOnlyList<PlanChoice>> PlansAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return (await db.Prices.AsNoTracking().ToListAsync(ct))
            .Select(p => new PlanChoice(p.Id, $"{names.GetValueOrDefault(p.ProductId, "?")} · {p.Terms.Amount.Display()} / {p.Terms.IntervalCount} {p.Terms.Interval.ToString().ToLowerInvariant()}{(p.IsArchived ? " (archived)" : "")}",
                p.Terms.Currency, p.Terms.Interval.ToString().ToLowerInvariant(), p.Terms.IntervalCount))
            .OrderBy(p => p.Label).ToList();
    }

    /// <summary>Starts (or continues) the import in the background; false with a reason when refused.</summary>
    public async Task<(bool Started, string Message)> StartAsync(AuditActor actor, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.import", ct) is not { } owner)
            return (false, "Only the Owner can import from Stripe.");
        if (!Available)
            return (false, "The portal does not bill with Stripe (Payments:Provider).");
        if (IsRunning || StripeImporter.Running)
            return (false, "The import is already running.");
        running = Task.Run(async () =>
        {
            var result = await importer.RunAsync();
            LastResult = result;
            await audit.RecordAsync(owner, "stripe.import", result.Outcome == StripeImportOutcome.Completed ? result.Summary : result.Message, "stripe", "import");
            return result;
        });
        return (true, "The import is running.");
    }

    public async Task<string?> MapAsync(AuditActor actor, string stripePriceId, Guid? planId, bool leftOut, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.import.map", ct) is not { } owner)
            return "Only the Owner can map Stripe prices.";
        var problem = await importer.MapAsync(stripePriceId, planId, leftOut, ct);
        if (problem is null)
            await audit.RecordAsync(owner, "stripe.import.map", leftOut ? $"Left {stripePriceId} out of the Stripe import" : $"Mapped {stripePriceId} to plan {planId}", "stripe-price", stripePriceId, ct: ct);
        return problem;
    }

    public async Task<string?> CreatePlanAsync(AuditActor actor, string stripePriceId, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.import.create-plan", ct) is not { } owner)
            return "Only the Owner can create plans.";
        var problem = await importer.CreatePlanAsync(stripePriceId, ct);
        if (problem is null)
            await audit.RecordAsync(owner, "stripe.import.create-plan", $"Created a plan for Stripe price {stripePriceId}", "stripe-price", stripePriceId, ct: ct);
        return problem;
    }

    public async Task<int?> AcceptProposalsAsync(AuditActor actor, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.import.map", ct) is not { } owner)
            return null;
        var count = await importer.AcceptProposalsAsync(ct);
        await audit.RecordAsync(owner, "stripe.import.map", $"Accepted {count} proposed price mapping(s)", "stripe", "import", ct: ct);
        return count;
    }

    public async Task<IReadOnlyList<ImportedMember>> ImportedMembersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.StripeImportedCustomers.AsNoTracking()
            .Join(db.Users.AsNoTracking(), c => c.MemberId, u => u.Id, (c, u) => new { u.Id, u.Email, c.ImportedAt, c.InvitedAt, HasPassword = u.PasswordHash != null })
            .ToListAsync(ct);
        return [.. rows.Select(r => new ImportedMember(r.Id, r.Email ?? "", r.ImportedAt, r.InvitedAt, r.HasPassword)).OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Queues a "set your password" email (the reset link, built on Portal:PublicUrl) to each imported member named, or to
    /// every imported member who has no password yet when <paramref name="memberIds"/> is null. Returns how many, or null when refused.
    /// </summary>
    public async Task<int?> InviteAsync(AuditActor actor, IReadOnlyCollection<string>? memberIds, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.import.invite", ct) is not { } owner)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.StripeImportedCustomers.Join(db.Users, c => c.MemberId, u => u.Id, (c, u) => new { Link = c, u.Email, u.PasswordHash })
            .Where(r => memberIds == null ? r.PasswordHash == null : memberIds.Contains(r.Link.MemberId)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var row in rows.Where(r => r.Email is not null))
        {
            mail.Queue(AccountMailKind.PasswordReset, row.Email!);
            row.Link.InvitedAt = now;
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(owner, "stripe.import.invite", $"Invited {rows.Count} imported member(s) to claim their account", "stripe", "import", ct: ct);
        logger.LogInformation("Queued {Count} claim-your-account invitations.", rows.Count);
        return rows.Count;
    }

    private async Task<AuditActor?> OwnerAsync(AuditActor actor, string action, CancellationToken ct)
    {
        if (actor.Role != PortalRoles.Owner)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            var current = await AdminAccess.CheckAsync(db, actor, action, null, ct);
            return current.Role == PortalRoles.Owner ? current : null;
        }
        catch (ActionRefusedException)
        {
            return null;
        }
    }
}
