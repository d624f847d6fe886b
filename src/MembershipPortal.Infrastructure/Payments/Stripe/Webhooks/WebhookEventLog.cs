using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>The Owner's view of events that changed nothing (ignored) or could not be applied yet (failed).</summary>
public static class WebhookEventLog
{
    /// <summary>
    /// Adds or refreshes the event's entry (saved on <paramref name="db"/>, inside the caller's transaction if any) and drops entries beyond the
    /// newest <see cref="WebhookEventLogEntry.Kept"/>. Only the ignored and failed paths call this, never a processed event.
    /// </summary>
    internal static async Task RecordAsync(
        AppDbContext db, StripeWebhookEvent stripeEvent, WebhookLogOutcome outcome, string reason, DateTimeOffset now, CancellationToken ct)
    {
        // A redelivery replaces the event's entry with a new one (a new, highest id), so the newest ids are the latest deliveries.
        var previous = await db.WebhookEventLog.FirstOrDefaultAsync(e => e.EventId == stripeEvent.Id, ct);
        if (previous is not null)
            db.WebhookEventLog.Remove(previous);
        await db.SaveChangesAsync(ct); // the removal first: the event id is unique
        db.WebhookEventLog.Add(new WebhookEventLogEntry
        {
            EventId = stripeEvent.Id,
            Type = Clip(stripeEvent.Type, 100),
            ReceivedAt = now,
            Outcome = outcome,
            Reason = Clip(reason, WebhookEventLogEntry.ReasonLength),
            Deliveries = (previous?.Deliveries ?? 0) + 1,
        });
        await db.SaveChangesAsync(ct);

        var oldestKept = await db.WebhookEventLog.OrderByDescending(e => e.Id)
            .Skip(WebhookEventLogEntry.Kept - 1).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
        if (oldestKept is { } cutoff)
            await db.WebhookEventLog.Where(e => e.Id < cutoff).ExecuteDeleteAsync(ct);
    }

    /// <summary>The newest entries first; a failed event Stripe later delivered successfully shows as processed.</summary>
    public static async Task<IReadOnlyList<WebhookLogRow>> ReadAsync(AppDbContext db, CancellationToken ct)
    {
        var entries = await db.WebhookEventLog.AsNoTracking().OrderByDescending(e => e.Id)
            .Take(WebhookEventLogEntry.Kept).ToListAsync(ct);
        var failedIds = entries.Where(e => e.Outcome == WebhookLogOutcome.Failed).Select(e => e.EventId).ToList();
        var processed = failedIds.Count == 0 ? []
            : (await db.ProcessedWebhookEvents.AsNoTracking().Where(p => failedIds.Contains(p.EventId)).Select(p => p.EventId).ToListAsync(ct)).ToHashSet();
        return [.. entries.Select(e => new WebhookLogRow(
            e.EventId, e.Type, e.ReceivedAt,
            e.Outcome == WebhookLogOutcome.Failed && processed.Contains(e.EventId) ? "processed" : e.Outcome == WebhookLogOutcome.Failed ? "failed" : "ignored",
            e.Reason, e.Deliveries))];
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <param name="Outcome">"ignored", "failed" (Stripe keeps retrying) or "processed" (failed first, applied on a retry).</param>
/// <param name="Reason">For a processed row, why the earlier deliveries failed.</param>
public sealed record WebhookLogRow(string EventId, string Type, DateTimeOffset ReceivedAt, string Outcome, string Reason, int Deliveries);
