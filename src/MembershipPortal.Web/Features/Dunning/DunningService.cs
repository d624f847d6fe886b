using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Dunning;

/// <summary>One subscription in dunning, for the Owner's list.</summary>
public sealed record AtRiskSubscription(
    Guid SubscriptionId, string MemberEmail, string Plan, SubscriptionStatus Status, Money Amount, int Attempts,
    DateTimeOffset FirstFailedAt, string NextStep, string? LastNotice);

public sealed record DunningOverview(
    IReadOnlyList<AtRiskSubscription> AtRisk, IReadOnlyList<Money> RecoveredThisMonth, int RecoveredCount, IReadOnlyList<Money> MrrAtRisk, DunningPolicy Policy);

/// <summary>The Owner's view of dunning: who is at risk and what happens next, MRR recovered this month, and the policy.</summary>
public sealed class DunningService(IDbContextFactory<AppDbContext> dbFactory, BillingSettings settings, TimeProvider clock)
{
    private static readonly string[] DunningKinds = ["payment-failed", "dunning-reminder", "final-notice", "access-suspended", "payment-recovered"];

    public async Task<DunningOverview> OverviewAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var policy = await settings.GetDunningAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items)
            .Where(s => s.Status == SubscriptionStatus.PastDue || s.Status == SubscriptionStatus.Unpaid)
            .OrderBy(s => s.FirstFailedPaymentAt).Take(500).ToListAsync(ct);
        var memberIds = subs.Select(s => s.MemberId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, ct);
        var productIds = subs.SelectMany(s => s.Items).Select(i => i.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => (p.Name, p.Kind), ct);
        var subIds = subs.Select(s => s.Id).ToList();
        var notices = (await db.Outbox.AsNoTracking()
                .Where(o => o.SubscriptionId != null && subIds.Contains(o.SubscriptionId.Value) && DunningKinds.Contains(o.Kind))
                .Select(o => new { o.SubscriptionId, o.Kind, o.CreatedAt, o.Status }).ToListAsync(ct))
            .GroupBy(o => o.SubscriptionId!.Value).ToDictionary(g => g.Key, g => g.MaxBy(o => o.CreatedAt)!);

        var atRisk = subs.Select(s =>
        {
            var first = s.FirstFailedPaymentAt ?? s.CurrentPeriodEnd;
            var plan = string.Join(" + ", s.Items.Select(i => products.GetValueOrDefault(i.ProductId)).Where(p => p.Name is not null)
                .OrderBy(p => p.Kind == ProductKind.AddOn ? 1 : 0).Select(p => p.Name));
            var notice = notices.TryGetValue(s.Id, out var n)
                ? $"{NoticeCatalog.Find(n.Kind)?.Title ?? n.Kind} ({n.Status.ToString().ToLowerInvariant()}, {Short(n.CreatedAt)})"
                : null;
            return new AtRiskSubscription(s.Id, emails.GetValueOrDefault(s.MemberId, s.MemberId), plan.Length == 0 ? "—" : plan, s.Status,
                RenewalInvoice.Total(s), s.FailedPaymentAttempts, first, DescribeNextStep(policy, s, first, now), notice);
        }).ToList();

        var monthStart = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var recoveredIds = await db.Subscriptions.AsNoTracking()
            .Where(s => s.History.Any(h => h.At >= monthStart && h.ToStatus == SubscriptionStatus.Active &&
                                           (h.FromStatus == SubscriptionStatus.PastDue || h.FromStatus == SubscriptionStatus.Unpaid)))
            .Select(s => s.Id).ToListAsync(ct);
        var recoveredSubs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => recoveredIds.Contains(s.Id)).ToListAsync(ct);
        var recovered = recoveredSubs
            .SelectMany(s => s.History.Where(h => h.At >= monthStart && h.ToStatus == SubscriptionStatus.Active &&
                                                  h.FromStatus is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid)
                .Select(h => new Money(h.MrrAfterMinor, s.Currency)))
            .GroupBy(m => m.Currency).Select(g => g.Aggregate(Money.Zero(g.Key), (a, b) => a + b)).OrderBy(m => m.Currency).ToList();
        var recoveredCount = recoveredSubs.Sum(s => s.History.Count(h => h.At >= monthStart && h.ToStatus == SubscriptionStatus.Active &&
                                                                          h.FromStatus is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid));
        var mrrAtRisk = subs.Where(s => s.Status == SubscriptionStatus.PastDue)
            .GroupBy(s => s.Currency).Select(g => new Money(g.Sum(s => s.ContractedMonthlyRecurringMinor()), g.Key)).OrderBy(m => m.Currency).ToList();
        return new DunningOverview(atRisk, recovered, recoveredCount, mrrAtRisk, policy);
    }

    /// <summary>"Retry 2 of 4 on 26 Nov 2026", "Suspend on 30 Nov 2026", or what an unpaid subscription waits for.</summary>
    public static string DescribeNextStep(DunningPolicy policy, Subscription s, DateTimeOffset first, DateTimeOffset now)
    {
        if (s.Status == SubscriptionStatus.Unpaid)
            return "Suspended: restored when the member updates their card";
        var step = policy.NextStep(s.Status, now - first, s.FailedPaymentAttempts);
        var when = step.IsDue ? "due now" : "on " + Short(first.AddDays(step.Day));
        return step.Kind switch
        {
            DunningStepKind.RetryPayment => $"Retry {step.RetryIndex + 1} of {policy.RetryDays.Count} {when}",
            DunningStepKind.ApplyFinalAction => $"{(policy.FinalAction == GraceExpiryAction.Cancel ? "Cancel" : "Suspend")} {when}",
            _ => "—",
        };
    }

    private static string Short(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public Task<DunningPolicy> GetPolicyAsync(CancellationToken ct = default) => settings.GetDunningAsync(ct);

    /// <summary>Saves the policy; returns the reason it is invalid, or null when saved.</summary>
    public async Task<string?> SavePolicyAsync(string retryDays, int graceDays, GraceExpiryAction finalAction, CancellationToken ct = default)
    {
        try
        {
            await settings.SetDunningAsync(new DunningPolicy(DunningPolicy.ParseDays(retryDays), graceDays, finalAction), ct);
            return null;
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
    }
}
