using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Telemetry;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace MembershipPortal.Web.Features.Billing;

public sealed record RenewalReport(int Renewed, int Failed, int Ended, int Resumed, int Retried, int Suspended);

/// <summary>
/// The test gateway's billing engine, run on a schedule: renews subscriptions whose period has ended, ends those set
/// to cancel, resumes finished pauses, retries failed payments on the Owner's schedule and, when the grace period
/// is over, applies the final action. Stripe subscriptions are left to Stripe. Each subscription is its own
/// transaction, and every charge has an idempotency key tied to the period and attempt, so a rerun charges nothing twice.
/// The notices each step causes (receipt, payment failed, reminder, final notice, suspended, recovered) are queued in
/// the same SaveChanges, under dedup keys, so a rerun queues nothing twice either.
/// A box cycle the member skipped is not charged (<see cref="BoxRenewals"/>): the box and its mailed add-ons are left
/// off that renewal; when nothing else is left the period rolls on with a zero invoice and no charge.
/// </summary>
public sealed class RenewalRun(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, BillingSettings settings, NoticeQueue notices, BoxRenewals boxes,
    ILogger<RenewalRun> logger)
{
    public async Task<RenewalReport> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        if (gateway.UsesHostedPages)
            return new RenewalReport(0, 0, 0, 0, 0, 0);
        var policy = await settings.GetAsync(ct);
        List<Guid> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var test = db.SubscriptionRecords.Where(r => r.Gateway == gateway.Name).Select(r => r.SubscriptionId);
            due = await db.Subscriptions.Where(s => test.Contains(s.Id) &&
                    (((s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Trialing) && s.CurrentPeriodEnd <= now) ||
                     s.Status == SubscriptionStatus.PastDue ||
                     (s.Status == SubscriptionStatus.Paused && s.PausedUntil != null && s.PausedUntil <= now)))
                .Select(s => s.Id).ToListAsync(ct);
        }

        int renewed = 0, failed = 0, ended = 0, resumed = 0, retried = 0, suspended = 0;
        foreach (var id in due)
        {
            try
            {
                switch (await ProcessAsync(id, now, policy, ct))
                {
                    case Outcome.Renewed:
                        renewed++;
                        break;
                    case Outcome.Failed:
                        failed++;
                        break;
                    case Outcome.Ended:
                        ended++;
                        break;
                    case Outcome.Resumed:
                        resumed++;
                        break;
                    case Outcome.Retried:
                        retried++;
                        break;
                    case Outcome.Suspended:
                        suspended++;
                        break;
                }
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException && Outbox.IsUniqueViolation(ex))
            {
                // Another instance queued the same notice in the meantime; the next run finds it and moves on.
                logger.LogInformation("Renewal of subscription {Subscription} raced another run; it will be tried again.", id);
            }
            catch (Exception ex) when (ex is DomainException or DbUpdateConcurrencyException)
            {
                logger.LogWarning(ex, "Renewal of subscription {Subscription} skipped; it will be tried again.", id);
            }
        }
        return new RenewalReport(renewed, failed, ended, resumed, retried, suspended);
    }

    private enum Outcome { Nothing, Renewed, Failed, Ended, Resumed, Retried, Suspended }

    private async Task<Outcome> ProcessAsync(Guid id, DateTimeOffset now, BillingPolicy policy, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == id, ct);
        var outcome = Outcome.Nothing;

        if (sub.Status == SubscriptionStatus.Paused)
        {
            sub.Resume(now);
            outcome = Outcome.Resumed;
        }
        else if (sub.Status == SubscriptionStatus.PastDue)
        {
            outcome = await RetryOrSuspendAsync(db, sub, now, policy.Dunning, ct);
        }
        else if (sub.CancelAtPeriodEnd)
        {
            sub.EndPeriod(now);
            outcome = Outcome.Ended;
        }
        else
        {
            // A kit the member removed leaves now, before the renewal is priced; the membership renews without it.
            sub.ApplyScheduledRemovals(now);
            if (sub.HasScheduledChange)
            {
                var price = await db.Prices.SingleAsync(p => p.Id == sub.ScheduledPriceId, ct);
                sub.ApplyScheduledChange(price);
            }
            outcome = await CollectAsync(db, sub, now, $"renewal:{sub.Id}:{sub.CurrentPeriodEnd.UtcTicks}", "subscription_cycle", ct, bindSkip: true)
                ? Outcome.Renewed : Outcome.Failed;
        }
        await db.SaveChangesAsync(ct);
        return outcome;
    }

    private async Task<Outcome> RetryOrSuspendAsync(AppDbContext db, Subscription sub, DateTimeOffset now, DunningPolicy policy, CancellationToken ct)
    {
        var first = sub.FirstFailedPaymentAt ?? sub.CurrentPeriodEnd;
        var step = policy.NextStep(sub.Status, now - first, sub.FailedPaymentAttempts);
        if (step is { Kind: DunningStepKind.RetryPayment, IsDue: true, RetryIndex: { } retryIndex })
        {
            if (await CollectAsync(db, sub, now, $"retry:{sub.Id}:{first.UtcTicks}:{retryIndex}", "subscription_retry", ct, policy))
                return Outcome.Retried;
        }
        if (now >= first.AddDays(policy.GraceDays))
        {
            sub.ExpireGrace(now, policy.FinalAction);
            await notices.QueueDunningAsync(db, sub, DunningNotice.Suspended, first, policy, now, ct);
            return Outcome.Suspended;
        }
        // Reminders and the final notice fall due with time, whether or not a retry ran today.
        if (policy.NoticeDue(sub.Status, now - first, sub.FailedPaymentAttempts) is { } notice)
            await notices.QueueDunningAsync(db, sub, notice, first, policy, now, ct);
        return Outcome.Nothing;
    }

    /// <summary>
    /// The lines the next renewal charges: the items (with their coupons); a skipped monthly box leaves out the box and
    /// its mailed add-ons (a zero line says why), otherwise a shipped subscription adds its country's shipping rate.
    /// </summary>
    internal async Task<(List<InvoiceLine> Lines, BoxWaiver? Waiver)> RenewalLinesAsync(AppDbContext db, Subscription sub, SkipBinding binding, CancellationToken ct)
    {
        var lines = RenewalInvoice.Lines(sub).ToList();
        // An accepted save offer takes its percent off the items (after their coupons) of the renewals it covers.
        if (await SaveDiscounts.GetAsync(db, sub.Id, ct) is { } saveOffer && saveOffer.LineFor(lines, sub.CurrentPeriodEnd) is { } saved)
            lines.Add(saved);
        var waiver = await boxes.WaiverAsync(db, sub, binding, ct);
        if (waiver is not null)
        {
            lines.RemoveAll(l => l.ProductId is { } p && waiver.ProductIds.Contains(p));
            lines.Insert(0, new InvoiceLine(InvoiceLineKind.Subscription, waiver.BoxProductId, $"{waiver.BoxName}: {waiver.Cycle.InWords()} box skipped, not charged", 1,
                Money.Zero(sub.Currency), true));
        }
        else if (await ShippingZones.RenewalLineAsync(db, sub, lines.Aggregate(Money.Zero(sub.Currency), (sum, l) => sum + l.Amount), ct) is { } shippingLine)
        {
            lines.Add(shippingLine);
        }
        return (lines, waiver);
    }

    /// <summary>
    /// What the next renewal will charge (the member's and the Owner's "next charge", the renewal reminder); changes
    /// nothing. A canceled subscription has no next renewal: its items' total, without looking anything up.
    /// </summary>
    public async Task<Money> NextChargeAsync(AppDbContext db, Subscription sub, CancellationToken ct) =>
        sub.Status == SubscriptionStatus.Canceled
            ? RenewalInvoice.Total(sub)
            : (await RenewalLinesAsync(db, sub, SkipBinding.Preview, ct)).Lines.Aggregate(Money.Zero(sub.Currency), (sum, l) => sum + l.Amount);

    /// <summary><see cref="NextChargeAsync"/> for each of a member's subscriptions, by subscription id.</summary>
    public async Task<Dictionary<Guid, Money>> NextChargesAsync(AppDbContext db, IEnumerable<Subscription> subs, CancellationToken ct)
    {
        var next = new Dictionary<Guid, Money>();
        foreach (var sub in subs)
            next[sub.Id] = await NextChargeAsync(db, sub, ct);
        return next;
    }

    /// <summary>
    /// Charges the renewal amount for the coming period and records the invoice, the payment and the result on the
    /// subscription, with its notices: a receipt (and "recovered" when it was overdue) or the dunning notice now due.
    /// The items of a skipped box are left off; with nothing left to charge, no charge is made: a zero invoice records
    /// the skip and the period rolls on (no receipt).
    /// </summary>
    /// <param name="bindSkip">A renewal's first attempt: an unused box skip may waive it (retries use the skip already bound).</param>
    internal async Task<bool> CollectAsync(AppDbContext db, Subscription sub, DateTimeOffset now, string idempotencyKey, string reason, CancellationToken ct,
        DunningPolicy? policy = null, bool bindSkip = false)
    {
        policy ??= await settings.GetDunningAsync(ct);
        var wasOverdue = sub.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid;
        var episode = sub.FirstFailedPaymentAt;
        var (lines, waiver) = await RenewalLinesAsync(db, sub, bindSkip ? SkipBinding.BindNew : SkipBinding.BoundOnly, ct);
        var total = lines.Aggregate(Money.Zero(sub.Currency), (sum, l) => sum + l.Amount);
        if (waiver is not null && total.Minor <= 0)
        {
            var skipped = Ledger.PaidInvoice(sub.MemberId, sub.Id, lines, Money.Zero(sub.Currency), now, sub.CurrentPeriodEnd, null, "box_skipped");
            sub.RenewWithoutCharge(now, $"The {waiver.Cycle.InWords()} box was skipped");
            (skipped.PeriodStart, skipped.PeriodEnd) = (sub.CurrentPeriodStart, sub.CurrentPeriodEnd);
            db.Invoices.Add(skipped);
            return true;
        }
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == sub.MemberId, ct);
        var charge = profile?.CustomerId is null
            ? ChargeResult.Declined("no_payment_method", "There is no card on file.")
            : await gateway.ChargeAsync(new ChargeRequest(profile.CustomerId, profile.TestCardToken, total, "Subscription renewal", idempotencyKey, IsRenewal: true), ct);
        (charge.Succeeded ? PortalTelemetry.RenewalsCharged : PortalTelemetry.RenewalsFailed).Add(1, new KeyValuePair<string, object?>("reason", reason));

        var periodStart = sub.Status == SubscriptionStatus.PastDue ? sub.CurrentPeriodStart : sub.CurrentPeriodEnd;
        var invoice = Ledger.NewInvoice(sub.MemberId, sub.Id, lines, total, now, periodStart, null, reason, charge.Succeeded);
        db.Invoices.Add(invoice);
        db.Payments.Add(Ledger.Payment(invoice, charge.PaymentId, profile?.CardLast4, now, charge.Succeeded ? null : charge.FailureCode, charge.FailureMessage));
        if (charge.Succeeded)
        {
            sub.RecordPaymentSucceeded(now);
            invoice.PeriodStart = sub.CurrentPeriodStart;
            invoice.PeriodEnd = sub.CurrentPeriodEnd;
            await notices.QueueReceiptAsync(db, sub, invoice, now, ct);
            if (wasOverdue && episode is { } first)
                await notices.QueueDunningAsync(db, sub, DunningNotice.Recovered, first, policy, now, ct);
        }
        else
        {
            sub.RecordPaymentFailed(now);
            if (sub.FirstFailedPaymentAt is { } first && policy.NoticeDue(sub.Status, now - first, sub.FailedPaymentAttempts) is { } notice)
                await notices.QueueDunningAsync(db, sub, notice, first, policy, now, ct);
        }
        return charge.Succeeded;
    }
}

/// <summary>Quartz job: runs <see cref="RenewalRun"/> on the injected clock (every minute; see the Jobs settings).</summary>
[DisallowConcurrentExecution]
public sealed class RenewalJob(RenewalRun run, TimeProvider clock, ILogger<RenewalJob> logger) : IJob
{
    public static readonly JobKey Key = new("renewals", "billing");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var span = PortalTelemetry.StartJob(Key.Name);
        var report = await run.RunOnceAsync(clock.GetUtcNow(), cancellationToken);
        if (report != new RenewalReport(0, 0, 0, 0, 0, 0))
            logger.LogInformation("Renewals: {Report}", report);
    }
}
