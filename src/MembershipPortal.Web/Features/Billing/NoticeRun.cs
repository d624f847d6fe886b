using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Notifications;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

public sealed record NoticeRunReport(int RenewalReminders, int TrialEnding, int CardExpiring, int WinBack);

/// <summary>
/// The notices that fall due with time rather than with a change: renewal reminders, trial ending, card expiring and
/// win-back. Run hourly by a job; every notice has a dedup key per subscription and cycle, so runs can overlap, repeat
/// or be missed for a while and each member still gets each notice once.
/// </summary>
public sealed class NoticeRun(
    IDbContextFactory<AppDbContext> dbFactory, NoticeQueue notices, NoticeSettings settings, BillingSettings billing, RenewalRun renewals,
    ILogger<NoticeRun> logger)
{
    public async Task<NoticeRunReport> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var schedule = await settings.GetAsync(ct);
        var reminders = await RenewalRemindersAsync(schedule.Reminders, now, ct);
        var trials = await TrialEndingAsync(now, ct);
        var cards = await CardExpiringAsync(now, ct);
        var winBack = schedule.WinBackEnabled ? await WinBackAsync(schedule.WinBackDays, now, ct) : 0;
        await HostedDunningAsync(now, ct);
        return new NoticeRunReport(reminders, trials, cards, winBack);
    }

    private async Task<int> RenewalRemindersAsync(RenewalReminderPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var horizon = now.AddDays(RenewalReminderPolicy.MaxDays + 1);
        return await ForEachAsync(db => db.Subscriptions.Include(s => s.Items)
                .Where(s => s.Status == SubscriptionStatus.Active && !s.CancelAtPeriodEnd && s.CurrentPeriodEnd > now && s.CurrentPeriodEnd <= horizon),
            async (db, sub) =>
            {
                var due = policy.Due(sub.Items[0].Terms, sub.BillingCycleAnchor, now);
                // Only for the renewal the subscription is actually heading for (a pending plan change can move it).
                if (due is null || due.RenewalAt != sub.CurrentPeriodEnd)
                    return false;
                // The amount the renewal will charge (shipping included, a skipped box left out); nothing to charge, no reminder.
                var amount = await renewals.NextChargeAsync(db, sub, ct);
                if (amount.Minor <= 0)
                    return false;
                return await notices.QueueAsync(db, NoticeKind.RenewalReminder, NoticeQueue.Keys.RenewalReminder(sub.Id, due.RenewalAt, due.DaysBefore), sub, now,
                    new Dictionary<string, string> { ["amount"] = amount.Display() }, ct);
            }, ct);
    }

    /// <summary>
    /// Stripe-billed subscriptions that are past due: Stripe retries and its events bring "payment failed" and the
    /// reminders, but the final notice falls due with time (before the Owner's grace period ends), so it is sent here.
    /// </summary>
    private async Task<int> HostedDunningAsync(DateTimeOffset now, CancellationToken ct)
    {
        var policy = await billing.GetDunningAsync(ct);
        return await ForEachAsync(db => db.Subscriptions.Include(s => s.Items)
                .Where(s => s.Status == SubscriptionStatus.PastDue && s.FirstFailedPaymentAt != null
                    && db.SubscriptionRecords.Any(r => r.SubscriptionId == s.Id && r.Gateway == StripePaymentGateway.GatewayName)),
            async (db, sub) => policy.NoticeDue(sub.Status, now - sub.FirstFailedPaymentAt!.Value, sub.FailedPaymentAttempts) is Domain.Dunning.DunningNotice.FinalNotice
                && await notices.QueueDunningAsync(db, sub, Domain.Dunning.DunningNotice.FinalNotice, sub.FirstFailedPaymentAt!.Value, policy, now, ct), ct);
    }

    private Task<int> TrialEndingAsync(DateTimeOffset now, CancellationToken ct)
    {
        var soon = now.AddDays(NoticeSchedule.TrialEndingDays);
        return ForEachAsync(db => db.Subscriptions.Include(s => s.Items)
                .Where(s => s.Status == SubscriptionStatus.Trialing && !s.CancelAtPeriodEnd && s.TrialEnd > now && s.TrialEnd <= soon),
            (db, sub) => notices.QueueAsync(db, NoticeKind.TrialEnding, NoticeQueue.Keys.TrialEnding(sub.Id, sub.TrialEnd!.Value), sub, now, ct: ct), ct);
    }

    private async Task<int> CardExpiringAsync(DateTimeOffset now, CancellationToken ct)
    {
        Dictionary<string, (int Month, int Year)> cards;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Cards that run out within the lead time: expiry month is this month or next (lead time 30 days).
            var limit = now.AddDays(CardExpiry.DefaultLeadDays);
            var months = new[] { (now.Month, now.Year), (limit.Month, limit.Year) };
            var m0 = months[0];
            var m1 = months[1];
            cards = (await db.BillingProfiles.AsNoTracking()
                    .Where(p => p.CardExpMonth != null && p.CardExpYear != null &&
                                ((p.CardExpMonth == m0.Month && p.CardExpYear == m0.Year) || (p.CardExpMonth == m1.Month && p.CardExpYear == m1.Year)))
                    .Select(p => new { p.MemberId, Month = p.CardExpMonth!.Value, Year = p.CardExpYear!.Value }).ToListAsync(ct))
                .ToDictionary(p => p.MemberId, p => (p.Month, p.Year));
        }
        if (cards.Count == 0)
            return 0;
        var members = cards.Keys.ToList();
        return await ForEachAsync(db => db.Subscriptions.Include(s => s.Items)
                .Where(s => members.Contains(s.MemberId) && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Trialing) && !s.CancelAtPeriodEnd),
            async (db, sub) =>
            {
                var (month, year) = cards[sub.MemberId];
                if (!CardExpiry.NoticeDue(month, year, sub.CurrentPeriodEnd, now))
                    return false;
                return await notices.QueueAsync(db, NoticeKind.CardExpiring, NoticeQueue.Keys.CardExpiring(sub.Id, month, year), sub, now, ct: ct);
            }, ct);
    }

    private Task<int> WinBackAsync(int days, DateTimeOffset now, CancellationToken ct)
    {
        var due = now.AddDays(-days);
        // A week's window: turning win-back on does not mail everyone who ever left.
        var oldest = due.AddDays(-7);
        return ForEachAsync(db => db.Subscriptions.Include(s => s.Items)
                .Where(s => s.Status == SubscriptionStatus.Canceled && s.CanceledAt <= due && s.CanceledAt > oldest &&
                            !db.Subscriptions.Any(o => o.MemberId == s.MemberId && o.Id != s.Id &&
                                                      (o.Status == SubscriptionStatus.Active || o.Status == SubscriptionStatus.Trialing || o.Status == SubscriptionStatus.PastDue))),
            (db, sub) => notices.QueueAsync(db, NoticeKind.WinBack, NoticeQueue.Keys.WinBack(sub.Id, sub.CanceledAt!.Value), sub, now, ct: ct), ct);
    }

    /// <summary>Queues per subscription in small batches; a batch that loses a race to another instance is retried by the next run.</summary>
    private async Task<int> ForEachAsync(Func<AppDbContext, IQueryable<Subscription>> query, Func<AppDbContext, Subscription, Task<bool>> queue, CancellationToken ct)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            ids = await query(db).Select(s => s.Id).ToListAsync(ct);
        var queued = 0;
        foreach (var chunk in ids.Chunk(100))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var subs = await query(db).AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct);
            var count = 0;
            foreach (var sub in subs)
                if (await queue(db, sub))
                    count++;
            try
            {
                await db.SaveChangesAsync(ct);
                queued += count;
            }
            catch (DbUpdateException ex) when (Outbox.IsUniqueViolation(ex))
            {
                logger.LogInformation("Another instance queued some of these notices first; the next run picks up the rest.");
            }
        }
        return queued;
    }
}
