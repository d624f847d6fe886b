using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>What Stripe says a subscription looks like, in domain terms (no Stripe.net types).</summary>
/// <param name="Status">Null when Stripe sent a status this portal does not know.</param>
/// <param name="PeriodEnd">End of the current period (on the items since API 2025-03).</param>
/// <param name="CancelAtPeriodEnd">A cancellation is scheduled (cancel_at_period_end or cancel_at).</param>
/// <param name="PauseResumesAt">When paused (status paused, or collection paused), when it resumes; null if open-ended.</param>
internal sealed record GatewaySubscriptionState(
    SubscriptionStatus? Status,
    string GatewayStatus,
    IReadOnlyList<GatewaySubscriptionItem> Items,
    DateTimeOffset? PeriodEnd,
    bool CancelAtPeriodEnd,
    string? CancelReason,
    DateTimeOffset? PauseResumesAt);

internal sealed record GatewaySubscriptionItem(CatalogPrice Price, int Quantity);

/// <summary>
/// Drives a local <see cref="Subscription"/> towards Stripe's state through domain methods only, so every change is
/// validated by the state machine and lands in the history with its MRR effect. Applying the same state twice changes
/// nothing. A move the domain has no method for (Stripe never revives a canceled subscription, for instance) is logged
/// and skipped; a domain method refusing a move it does have throws, which fails the event for Stripe to retry.
/// </summary>
internal sealed class SubscriptionReconciler(ILogger logger)
{
    public void Apply(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        // A kit the member removed was deleted at Stripe at once but stays here, flagged, through the paid period (it still
        // ships); once that period is over it leaves, before anything else moves the period on.
        if (remote.Status is not (null or SubscriptionStatus.Canceled or SubscriptionStatus.Incomplete))
            local.ApplyScheduledRemovals(now);
        switch (remote.Status)
        {
            case null:
                Skip(local, remote, "the status is unknown to the portal");
                break;
            case SubscriptionStatus.Active or SubscriptionStatus.Trialing:
                BringToLife(local, remote, now);
                SyncItems(local, remote, now);
                Renew(local, remote, now);
                SyncCancelFlag(local, remote, now);
                break;
            case SubscriptionStatus.PastDue:
                SyncItems(local, remote, now);
                if (local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing)
                    local.RecordPaymentFailed(now);
                else if (local.Status != SubscriptionStatus.PastDue)
                    Skip(local, remote, "no payment failure leads there");
                SyncCancelFlag(local, remote, now);
                break;
            case SubscriptionStatus.Unpaid:
                SyncItems(local, remote, now);
                if (local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing)
                    local.RecordPaymentFailed(now);
                if (local.Status == SubscriptionStatus.PastDue)
                    local.ExpireGrace(now, GraceExpiryAction.MarkUnpaid);
                else if (local.Status != SubscriptionStatus.Unpaid)
                    Skip(local, remote, "only a past-due subscription becomes unpaid");
                SyncCancelFlag(local, remote, now);
                break;
            case SubscriptionStatus.Paused:
                SyncItems(local, remote, now);
                SyncCancelFlag(local, remote, now);
                Pause(local, remote, now);
                break;
            case SubscriptionStatus.Canceled:
                End(local, remote, now);
                break;
            case SubscriptionStatus.Incomplete:
                if (local.Status != SubscriptionStatus.Incomplete)
                    Skip(local, remote, "a subscription never returns to incomplete");
                break;
        }
    }

    /// <summary>Towards active or trialing: a first payment, a trial conversion, a recovery, or a resume.</summary>
    private void BringToLife(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        switch (local.Status)
        {
            case SubscriptionStatus.Trialing when remote.Status == SubscriptionStatus.Active:
            case SubscriptionStatus.Incomplete when remote.Status == SubscriptionStatus.Active:
            case SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid when remote.Status == SubscriptionStatus.Active:
                local.RecordPaymentSucceeded(now, PaidThrough(local, remote, now));
                break;
            case SubscriptionStatus.Paused:
                local.Resume(now);
                break;
            case SubscriptionStatus.Active or SubscriptionStatus.Trialing:
                break;
            default:
                Skip(local, remote, "the domain has no move for it");
                break;
        }
    }

    /// <summary>A renewal Stripe has already collected: the period moved on.</summary>
    private static void Renew(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        if (local.Status == SubscriptionStatus.Active && remote.Status == SubscriptionStatus.Active
            && remote.PeriodEnd is { } end && end > local.CurrentPeriodEnd && end > now)
            local.RecordPaymentSucceeded(now, end);
    }

    private void Pause(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        switch (local.Status)
        {
            case SubscriptionStatus.Paused:
                break;
            case SubscriptionStatus.Active when remote.PauseResumesAt is { } until && until > now:
                local.Pause(until, now);
                break;
            case SubscriptionStatus.Trialing when local.TrialEnd is not { } trialEnd || trialEnd <= now:
                local.EndTrialWithoutPaymentMethod(now);
                break;
            default:
                Skip(local, remote, "the domain pauses only with an end date, or at the end of a trial");
                break;
        }
    }

    private void End(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        if (local.Status == SubscriptionStatus.Canceled)
            return;
        if (local.Status == SubscriptionStatus.Incomplete)
            local.ExpireIncomplete(now);
        else if (local.CancelAtPeriodEnd && now >= local.CurrentPeriodEnd
                 && SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.PeriodEndedAfterCancel))
            local.EndPeriod(now);
        else if (SubscriptionStateMachine.IsAllowed(local.Status, SubscriptionTrigger.Canceled))
            local.CancelNow(now, remote.CancelReason);
        else
            Skip(local, remote, "it cannot be canceled from here");
    }

    private static void SyncCancelFlag(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        if (remote.CancelAtPeriodEnd && !local.CancelAtPeriodEnd
            && local.Status is SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue)
            local.ScheduleCancel(remote.CancelReason, now);
        else if (!remote.CancelAtPeriodEnd && local.CancelAtPeriodEnd && now < local.CurrentPeriodEnd)
            local.UndoCancel(now);
    }

    /// <summary>
    /// Matches Stripe's items to the local ones: same price → quantity; same product → plan change; leftovers pair up as
    /// plan changes (a move to another tier), then additions before removals so the last item is never removed first. An
    /// item set to leave at the period end that Stripe no longer has is left alone until that end.
    /// </summary>
    private void SyncItems(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now)
    {
        var remaining = local.Items.ToList();
        var unmatched = new List<GatewaySubscriptionItem>();
        var quantityChanges = new List<(Guid ItemId, int Quantity)>();
        foreach (var wanted in remote.Items)
        {
            var same = remaining.FirstOrDefault(i => i.PriceId == wanted.Price.Id);
            if (same is null)
            { unmatched.Add(wanted); continue; }
            remaining.Remove(same);
            if (same.Quantity != wanted.Quantity)
                quantityChanges.Add((same.Id, wanted.Quantity));
        }
        // Items set to leave at the period end are no longer at Stripe but were paid for this period: they stay until it ends.
        remaining.RemoveAll(i => i.EndsAtPeriodEnd && now < local.CurrentPeriodEnd);

        if (unmatched.Count == 0 && remaining.Count == 0 && quantityChanges.Count == 0)
            return;
        if (local.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
        {
            Skip(local, remote, "its items differ but the domain edits items only while active or trialing");
            return;
        }

        foreach (var (itemId, quantity) in quantityChanges)
            local.ChangeQuantity(itemId, quantity, now);

        var planChanges = new List<(SubscriptionItem Item, GatewaySubscriptionItem Wanted)>();
        foreach (var wanted in unmatched.ToList())
        {
            var sameProduct = remaining.FirstOrDefault(i => i.ProductId == wanted.Price.ProductId);
            if (sameProduct is null)
                continue;
            planChanges.Add((sameProduct, wanted));
            remaining.Remove(sameProduct);
            unmatched.Remove(wanted);
        }
        while (remaining.Count > 0 && unmatched.Count > 0)
        {
            planChanges.Add((remaining[0], unmatched[0]));
            remaining.RemoveAt(0);
            unmatched.RemoveAt(0);
        }

        foreach (var (item, wanted) in planChanges)
        {
            local.ChangePlan(item.Id, wanted.Price, now, soldByGateway: true);
            if (item.Quantity != wanted.Quantity)
                local.ChangeQuantity(item.Id, wanted.Quantity, now);
        }
        foreach (var wanted in unmatched)
            local.AddItem(wanted.Price, wanted.Quantity, now, soldByGateway: true);
        foreach (var item in remaining)
            local.RemoveItem(item.Id, now);
    }

    /// <summary>Stripe's period end when it can serve as the paid-through date; otherwise the domain computes one.</summary>
    private static DateTimeOffset? PaidThrough(Subscription local, GatewaySubscriptionState remote, DateTimeOffset now) =>
        remote.PeriodEnd is { } end && end > now && end >= local.CurrentPeriodEnd ? end : null;

    private void Skip(Subscription local, GatewaySubscriptionState remote, string why) =>
        logger.LogWarning("Subscription {SubscriptionId} is {LocalStatus} locally and {GatewayStatus} at Stripe; not followed: {Why}.",
            local.Id, local.Status, remote.GatewayStatus, why);
}
