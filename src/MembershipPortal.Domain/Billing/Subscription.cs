using System.Globalization;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// A member's subscription. State changes only through the methods below; every status change goes through
/// <see cref="SubscriptionStateMachine"/>, every change of what is billed appends a <see cref="SubscriptionChange"/>,
/// and anything illegal throws <see cref="DomainException"/> before touching state.
/// </summary>
public sealed class Subscription
{
    private readonly List<SubscriptionItem> _items = [];
    private readonly List<SubscriptionChange> _history = [];

    private Subscription()
    {
    }

    public Guid Id { get; private set; }

    public string MemberId { get; private set; } = "";

    public SubscriptionStatus Status { get; private set; }

    public IReadOnlyList<SubscriptionItem> Items => _items;

    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>The instant renewals are counted from, so monthly from Jan 31 renews on Feb 28/29 then Mar 31.</summary>
    public DateTimeOffset BillingCycleAnchor { get; private set; }

    public DateTimeOffset CurrentPeriodStart { get; private set; }

    /// <summary>Paid (or trial) access runs until here. Cancelling immediately pulls it in to the cancel time.</summary>
    public DateTimeOffset CurrentPeriodEnd { get; private set; }

    public DateTimeOffset? TrialEnd { get; private set; }

    /// <summary>True only while a cancellation is pending; cleared once the subscription is canceled.</summary>
    public bool CancelAtPeriodEnd { get; private set; }

    public DateTimeOffset? CanceledAt { get; private set; }

    public string? CancelReason { get; private set; }

    /// <summary>When a member-requested pause is meant to end; null when not paused or paused indefinitely.</summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    /// <summary>Start of the current run of failed payments; the grace period is counted from here.</summary>
    public DateTimeOffset? FirstFailedPaymentAt { get; private set; }

    public int FailedPaymentAttempts { get; private set; }

    /// <summary>The item a plan change waits for the period end to move (a downgrade); null when none is scheduled.</summary>
    public Guid? ScheduledItemId { get; private set; }

    /// <summary>The price <see cref="ScheduledItemId"/> moves to at the period end.</summary>
    public Guid? ScheduledPriceId { get; private set; }

    public bool HasScheduledChange => ScheduledItemId is not null && ScheduledPriceId is not null;

    /// <summary>Incremented by every change; a concurrency token for persistence.</summary>
    public int Version { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyList<SubscriptionChange> History => _history;

    public string Currency => _items[0].Terms.Currency;

    /// <summary>All items share one cadence, so the first item's terms describe the billing schedule.</summary>
    private PriceTerms Cadence => _items[0].Terms;

    /// <summary>
    /// Creates a subscription from a checkout. With a trial (the longest trial among the items) it starts
    /// trialing and the first period ends with the trial; otherwise it is active when the first payment has
    /// been confirmed and incomplete while awaiting it. Archived prices are refused, unless
    /// <paramref name="soldByGateway"/>: the billing engine (Stripe) already sold and charged it, and the ledger records
    /// what was sold whatever the catalog offers now.
    /// </summary>
    public static Subscription Start(
        string memberId,
        IReadOnlyList<NewSubscriptionItem> items,
        DateTimeOffset now,
        bool paymentConfirmed,
        Coupon? coupon = null,
        Guid? id = null,
        bool soldByGateway = false) =>
        Create(memberId, items, now, paymentConfirmed, coupon, id, soldByGateway, gatewayTrialEnd: null);

    /// <summary>
    /// A subscription the billing engine (Stripe) already runs, brought into the portal when the Owner moves in. It starts at
    /// the engine's own start date with the engine's trial (<paramref name="trialEnd"/>, null for none), not the catalog
    /// price's trial days; archived prices are accepted (they were sold). Its later history (renewals, failures, plan
    /// changes, the end) is then replayed through the same methods as live events, at the engine's own times.
    /// </summary>
    public static Subscription Adopt(
        string memberId,
        IReadOnlyList<NewSubscriptionItem> items,
        DateTimeOffset startedAt,
        DateTimeOffset? trialEnd,
        bool paymentConfirmed,
        Coupon? coupon = null)
    {
        if (trialEnd is { } end && end <= startedAt)
            throw new DomainException("A trial must end after the subscription starts.");
        return Create(memberId, items, startedAt, paymentConfirmed, coupon, null, soldByGateway: true, gatewayTrialEnd: trialEnd ?? startedAt);
    }

    /// <param name="gatewayTrialEnd">Null: the trial comes from the prices' trial days; the start itself: no trial; later: a trial until then.</param>
    private static Subscription Create(
        string memberId,
        IReadOnlyList<NewSubscriptionItem> items,
        DateTimeOffset now,
        bool paymentConfirmed,
        Coupon? coupon,
        Guid? id,
        bool soldByGateway,
        DateTimeOffset? gatewayTrialEnd)
    {
        if (string.IsNullOrWhiteSpace(memberId))
            throw new DomainException("A subscription needs a member.");
        if (items is null || items.Count == 0)
            throw new DomainException("A subscription needs at least one item.");
        foreach (var item in items)
        {
            if (!soldByGateway)
                item.Price.EnsurePurchasable();
            SubscriptionItem.RequireQuantity(item.Quantity);
        }

        EnsureCompatible([.. items.Select(i => (i.Price.ProductId, i.Price.Terms))]);
        var coupons = CouponAllocation.Allocate(items, coupon, now);

        var subscription = new Subscription
        {
            Id = id ?? Guid.CreateVersion7(now),
            MemberId = memberId.Trim(),
            Status = SubscriptionStatus.Incomplete,
            StartedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        for (var i = 0; i < items.Count; i++)
            subscription._items.Add(new SubscriptionItem(Guid.CreateVersion7(now), items[i].Price, items[i].Quantity, coupons[i]));

        var trialDays = items.Max(i => i.Price.Terms.TrialDays);
        DateTimeOffset? trial = gatewayTrialEnd is { } given ? (given > now ? given : null) : trialDays > 0 ? now.AddDays(trialDays) : null;
        if (trial is { } trialEnd)
        {
            subscription.Status = SubscriptionStateMachine.Next(subscription.Status, SubscriptionTrigger.TrialStarted);
            subscription.TrialEnd = trialEnd;
            subscription.StartPeriod(now, anchor: trialEnd, end: trialEnd);
        }
        else
        {
            subscription.StartPeriod(now, anchor: now, end: subscription.Cadence.NextPeriodEnd(now));
            if (paymentConfirmed)
                subscription.Status = SubscriptionStateMachine.Next(subscription.Status, SubscriptionTrigger.PaymentSucceeded);
        }

        var detail = $"Started {SubscriptionStateMachine.Describe(subscription.Status)} with {items.Count} item{(items.Count == 1 ? "" : "s")}"
            + (coupon is null ? "." : $" and coupon {coupon.Code}.");
        subscription._history.Add(new SubscriptionChange(
            now, SubscriptionChangeKind.Created, null, subscription.Status, 0, subscription.MonthlyRecurringMinor(), detail));
        return subscription;
    }

    /// <summary>
    /// An invoice was paid. Without <paramref name="paidThrough"/> the period is computed from the billing
    /// anchor: an incomplete subscription paying within its first period keeps it; anything else rolls on to
    /// the anchored period after max(now, current period end). Clears the failed-payment run.
    /// </summary>
    public void RecordPaymentSucceeded(DateTimeOffset now, DateTimeOffset? paidThrough = null) => Settle(now, paidThrough, null);

    /// <summary>
    /// A renewal with nothing to charge (the member skipped that cycle's box): the period rolls on exactly as after a
    /// paid renewal, and the history says why nothing was charged. Only once the period has ended.
    /// </summary>
    public void RenewWithoutCharge(DateTimeOffset now, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Say why the renewal is not charged.");
        if (now < CurrentPeriodEnd)
            throw new DomainException($"The period runs until {Day(CurrentPeriodEnd)}.");
        Settle(now, null, reason.Trim());
    }

    private void Settle(DateTimeOffset now, DateTimeOffset? paidThrough, string? unchargedReason)
    {
        var to = SubscriptionStateMachine.Next(Status, SubscriptionTrigger.PaymentSucceeded);
        var newEnd = paidThrough
            ?? (Status == SubscriptionStatus.Incomplete && now < CurrentPeriodEnd
                ? CurrentPeriodEnd
                : Cadence.BoundaryAfter(BillingCycleAnchor, Max(now, CurrentPeriodEnd)));
        if (newEnd < CurrentPeriodEnd)
            throw new DomainException($"Cannot move the paid-through date back from {Day(CurrentPeriodEnd)} to {Day(newEnd)}.");
        if (newEnd <= now)
            throw new DomainException($"The paid-through date {Day(newEnd)} must be in the future.");
        if (Status == SubscriptionStatus.Active && newEnd == CurrentPeriodEnd)
            throw new DomainException($"This subscription is already paid through {Day(CurrentPeriodEnd)}.");

        var kind = Status == SubscriptionStatus.Active ? SubscriptionChangeKind.Renewed : SubscriptionChangeKind.StatusChanged;
        var detail = unchargedReason is null
            ? $"Payment succeeded; paid through {Day(newEnd)}."
            : $"{unchargedReason.TrimEnd('.')}; nothing charged; renewed through {Day(newEnd)}.";
        Change(now, kind, detail, () =>
        {
            Status = to;
            if (newEnd > CurrentPeriodEnd)
            {
                CurrentPeriodStart = Max(CurrentPeriodEnd, Cadence.BoundaryBefore(BillingCycleAnchor, newEnd));
                CurrentPeriodEnd = newEnd;
            }

            FirstFailedPaymentAt = null;
            FailedPaymentAttempts = 0;
        });
    }

    /// <summary>A charge failed. The first failure of a run starts the grace period; retries do not restart it.</summary>
    public void RecordPaymentFailed(DateTimeOffset now)
    {
        var to = SubscriptionStateMachine.Next(Status, SubscriptionTrigger.PaymentFailed);
        var kind = to == Status ? SubscriptionChangeKind.PaymentFailed : SubscriptionChangeKind.StatusChanged;
        Change(now, kind, $"Payment attempt {FailedPaymentAttempts + 1} failed.", () =>
        {
            Status = to;
            FirstFailedPaymentAt ??= now;
            FailedPaymentAttempts++;
        });
    }

    /// <summary>Dunning's last step for a past-due subscription: mark it unpaid or cancel it, per policy.</summary>
    public void ExpireGrace(DateTimeOffset now, GraceExpiryAction finalAction)
    {
        SubscriptionStateMachine.Next(Status, SubscriptionTrigger.GracePeriodExpired);
        switch (finalAction)
        {
            case GraceExpiryAction.MarkUnpaid:
                Transition(SubscriptionTrigger.GracePeriodExpired, now, SubscriptionChangeKind.StatusChanged,
                    "Grace period expired; marked unpaid.");
                break;
            case GraceExpiryAction.Cancel:
                EndNow(SubscriptionTrigger.Canceled, now, "Payment failed and the grace period expired.");
                break;
            default:
                throw new DomainException($"'{finalAction}' is not a grace expiry action.");
        }
    }

    /// <summary>The first payment never arrived.</summary>
    public void ExpireIncomplete(DateTimeOffset now) =>
        EndNow(SubscriptionTrigger.IncompleteExpired, now, "The first payment was never completed.");

    /// <summary>The trial is over and there is no payment method to charge: pause until the member adds one.</summary>
    public void EndTrialWithoutPaymentMethod(DateTimeOffset now)
    {
        SubscriptionStateMachine.Next(Status, SubscriptionTrigger.TrialEnded);
        if (TrialEnd is { } trialEnd && now < trialEnd)
            throw new DomainException($"The trial runs until {Day(trialEnd)}.");
        Transition(SubscriptionTrigger.TrialEnded, now, SubscriptionChangeKind.StatusChanged,
            "Trial ended without a payment method; paused.", () => PausedUntil = null);
    }

    /// <summary>Keeps access until the period end, then <see cref="EndPeriod"/> cancels; a scheduled plan change is dropped.</summary>
    public void ScheduleCancel(string? reason, DateTimeOffset now)
    {
        if (Status is not (SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue))
            throw new DomainException($"Cannot schedule the cancellation of {Describe()} subscription.");
        if (CancelAtPeriodEnd)
            throw new DomainException("This subscription is already set to cancel at the end of the period.");

        Change(now, SubscriptionChangeKind.CancelScheduled, $"Set to cancel on {Day(CurrentPeriodEnd)}.", () =>
        {
            CancelAtPeriodEnd = true;
            CancelReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            // The period end cancels, so a plan change scheduled for it would never apply.
            ClearScheduledChange();
        });
    }

    /// <summary>Withdraws a scheduled cancellation; only possible before the period ends.</summary>
    public void UndoCancel(DateTimeOffset now)
    {
        if (!CancelAtPeriodEnd)
            throw new DomainException("This subscription is not set to cancel.");
        if (now >= CurrentPeriodEnd)
            throw new DomainException($"The period ended on {Day(CurrentPeriodEnd)}; the cancellation can no longer be undone.");

        Change(now, SubscriptionChangeKind.CancelUndone, "Scheduled cancellation withdrawn.", () =>
        {
            CancelAtPeriodEnd = false;
            CancelReason = null;
        });
    }

    /// <summary>Ends the subscription immediately; access ends now, not at the period end.</summary>
    public void CancelNow(DateTimeOffset now, string? reason = null) =>
        EndNow(SubscriptionTrigger.Canceled, now, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());

    /// <summary>At the period end of a subscription set to cancel: it becomes canceled.</summary>
    public void EndPeriod(DateTimeOffset now)
    {
        SubscriptionStateMachine.Next(Status, SubscriptionTrigger.PeriodEndedAfterCancel);
        if (!CancelAtPeriodEnd)
            throw new DomainException("This subscription is not set to cancel; it renews when the next payment succeeds.");
        if (now < CurrentPeriodEnd)
            throw new DomainException($"The period runs until {Day(CurrentPeriodEnd)}.");

        Transition(SubscriptionTrigger.PeriodEndedAfterCancel, now, SubscriptionChangeKind.Canceled,
            "Canceled at the end of the period.", () =>
            {
                CanceledAt = now;
                CancelAtPeriodEnd = false;
            });
    }

    /// <summary>A member-requested pause (e.g. skip some boxes) until <paramref name="until"/>.</summary>
    public void Pause(DateTimeOffset until, DateTimeOffset now)
    {
        SubscriptionStateMachine.Next(Status, SubscriptionTrigger.Paused);
        if (until <= now)
            throw new DomainException("A pause must end in the future.");
        Transition(SubscriptionTrigger.Paused, now, SubscriptionChangeKind.Paused, $"Paused until {Day(until)}.",
            () => PausedUntil = until);
    }

    /// <summary>Back to active. If the paid period ran out while paused, a new period (and anchor) starts now.</summary>
    public void Resume(DateTimeOffset now) =>
        Transition(SubscriptionTrigger.Resumed, now, SubscriptionChangeKind.Resumed, "Resumed.", () =>
        {
            PausedUntil = null;
            if (now >= CurrentPeriodEnd)
                StartPeriod(now, anchor: now, end: Cadence.NextPeriodEnd(now));
        });

    /// <summary>
    /// A canceled member came back and paid. Rejoining is a new purchase, so each item's catalog price must be
    /// supplied and still purchasable; a new period and billing anchor start now.
    /// </summary>
    public void Reactivate(DateTimeOffset now, IEnumerable<CatalogPrice> currentPrices)
    {
        SubscriptionStateMachine.Next(Status, SubscriptionTrigger.Reactivated);
        var prices = currentPrices.ToDictionary(p => p.Id);
        foreach (var item in _items)
        {
            if (!prices.TryGetValue(item.PriceId, out var price))
                throw new DomainException($"The catalog price {item.PriceId} is needed to reactivate.");
            price.EnsurePurchasable();
        }

        Transition(SubscriptionTrigger.Reactivated, now, SubscriptionChangeKind.Reactivated, "Reactivated.", () =>
        {
            StartPeriod(now, anchor: now, end: Cadence.NextPeriodEnd(now));
            CanceledAt = null;
            CancelReason = null;
            CancelAtPeriodEnd = false;
            PausedUntil = null;
            FirstFailedPaymentAt = null;
            FailedPaymentAttempts = 0;
        });
    }

    /// <summary>
    /// Moves an item to another price (upgrade, downgrade, or a cadence switch such as monthly → yearly). A cadence
    /// switch starts a new period now, matching <see cref="Proration"/>; while trialing the trial period is kept.
    /// Charging the difference is the caller's job, using a <see cref="ProrationPreview"/>. An archived price is refused
    /// unless <paramref name="soldByGateway"/> (the billing engine made the change and bills it already). The change
    /// replaces any plan change scheduled for the period end.
    /// </summary>
    public void ChangePlan(Guid itemId, CatalogPrice newPrice, DateTimeOffset now, bool soldByGateway = false)
    {
        EnsureItemsEditable();
        var item = FindItem(itemId);
        var cadenceChanges = EnsurePlanChangeAllowed(item, newPrice, soldByGateway);

        var oldTerms = item.Terms;
        Change(now, SubscriptionChangeKind.PlanChanged,
            $"Plan changed from {Describe(oldTerms)} to {Describe(newPrice.Terms)}.", () =>
            {
                item.ChangePrice(newPrice);
                ClearScheduledChange();
                if (cadenceChanges && Status != SubscriptionStatus.Trialing)
                    StartPeriod(now, anchor: now, end: newPrice.Terms.NextPeriodEnd(now));
            });
    }

    /// <summary>
    /// Schedules a plan change for the period end (a downgrade keeps the current plan until then); a new schedule replaces
    /// the previous one. Checked now as <see cref="ChangePlan"/> would check it, so the renewal that applies it does not
    /// fail on a change that could never be made. Only for an active or trialing subscription that is not set to cancel.
    /// A schedule is an intention, not a change of what is billed: it is recorded in the history when applied.
    /// </summary>
    public void SchedulePlanChange(Guid itemId, CatalogPrice newPrice)
    {
        EnsureItemsEditable();
        if (CancelAtPeriodEnd)
            throw new DomainException("This subscription is set to cancel at the end of the period; resume it before changing plan.");
        var item = FindItem(itemId);
        EnsurePlanChangeAllowed(item, newPrice, soldByGateway: false);
        ScheduledItemId = item.Id;
        ScheduledPriceId = newPrice.Id;
    }

    /// <summary>Withdraws the scheduled plan change; the current plan renews as it is.</summary>
    public void CancelScheduledChange()
    {
        if (!HasScheduledChange)
            throw new DomainException("No plan change is scheduled.");
        ClearScheduledChange();
    }

    /// <summary>
    /// At the renewal: moves the scheduled item to <paramref name="price"/> (the scheduled price, loaded by the caller) as of
    /// the period end, recorded as a plan change, and clears the schedule.
    /// </summary>
    public void ApplyScheduledChange(CatalogPrice price)
    {
        if (ScheduledItemId is not { } itemId || ScheduledPriceId is not { } priceId)
            throw new DomainException("No plan change is scheduled.");
        if (price.Id != priceId)
            throw new DomainException("That is not the scheduled price.");
        ChangePlan(itemId, price, CurrentPeriodEnd);
    }

    /// <summary>Adds an add-on; an archived price is refused unless <paramref name="soldByGateway"/> (see <see cref="ChangePlan"/>).</summary>
    public SubscriptionItem AddItem(CatalogPrice price, int quantity, DateTimeOffset now, bool soldByGateway = false)
    {
        EnsureItemsEditable();
        if (!soldByGateway)
            price.EnsurePurchasable();
        SubscriptionItem.RequireQuantity(quantity);
        EnsureCompatible([.. _items.Select(i => (i.ProductId, i.Terms)), (price.ProductId, price.Terms)]);

        var item = new SubscriptionItem(Guid.CreateVersion7(now), price, quantity, coupon: null);
        Change(now, SubscriptionChangeKind.ItemAdded, $"Added {quantity} × {Describe(price.Terms)}.", () => _items.Add(item));
        return item;
    }

    public void RemoveItem(Guid itemId, DateTimeOffset now)
    {
        EnsureItemsEditable();
        var item = FindItem(itemId);
        if (!_items.Any(i => i.Id != itemId && !i.EndsAtPeriodEnd))
            throw new DomainException("Cannot remove the last item; cancel the subscription instead.");
        Change(now, SubscriptionChangeKind.ItemRemoved, $"Removed {item.Quantity} × {Describe(item.Terms)}.",
            () => _items.Remove(item));
    }

    /// <summary>
    /// Takes an item (a mailed kit) off at the end of the current period: it stays, is charged and ships until then, and
    /// <see cref="ApplyScheduledRemovals"/> removes it when the period ends, before the renewal is charged. The rest of the
    /// subscription (the membership and its content access) is untouched. At least one item must stay; to end everything,
    /// cancel the subscription.
    /// </summary>
    public void ScheduleItemRemoval(Guid itemId, DateTimeOffset now)
    {
        EnsureItemsEditable();
        var item = FindItem(itemId);
        if (CancelAtPeriodEnd)
            throw new DomainException("This subscription is already set to cancel at the end of the period.");
        if (item.EndsAtPeriodEnd)
            throw new DomainException($"This item is already set to be removed on {Day(CurrentPeriodEnd)}.");
        if (!_items.Any(i => i.Id != itemId && !i.EndsAtPeriodEnd))
            throw new DomainException("Cannot remove the last item; cancel the subscription instead.");
        Change(now, SubscriptionChangeKind.ItemRemovalScheduled, $"{item.Quantity} × {Describe(item.Terms)} set to be removed on {Day(CurrentPeriodEnd)}.",
            () => item.SetEndsAtPeriodEnd(true));
    }

    /// <summary>Keeps an item that was set to be removed at the period end; only before the period ends.</summary>
    public void UndoItemRemoval(Guid itemId, DateTimeOffset now)
    {
        var item = FindItem(itemId);
        if (!item.EndsAtPeriodEnd)
            throw new DomainException("This item is not set to be removed.");
        if (now >= CurrentPeriodEnd)
            throw new DomainException($"The period ended on {Day(CurrentPeriodEnd)}; the item is removed.");
        Change(now, SubscriptionChangeKind.ItemRemovalUndone, $"{item.Quantity} × {Describe(item.Terms)} kept.", () => item.SetEndsAtPeriodEnd(false));
    }

    /// <summary>
    /// At the period end (before the renewal is charged): removes the items set to end with it, each recorded as removed
    /// (their MRR leaves then, not when the member asked). Returns the removed items; none before the period ends.
    /// </summary>
    public IReadOnlyList<SubscriptionItem> ApplyScheduledRemovals(DateTimeOffset now)
    {
        if (now < CurrentPeriodEnd)
            return [];
        var ending = _items.Where(i => i.EndsAtPeriodEnd).ToList();
        foreach (var item in ending)
            Change(now, SubscriptionChangeKind.ItemRemoved, $"Removed {item.Quantity} × {Describe(item.Terms)} at the end of the period.", () => _items.Remove(item));
        return ending;
    }

    public void ChangeQuantity(Guid itemId, int quantity, DateTimeOffset now)
    {
        EnsureItemsEditable();
        var item = FindItem(itemId);
        SubscriptionItem.RequireQuantity(quantity);
        if (quantity == item.Quantity)
            throw new DomainException($"The quantity is already {quantity}.");
        var old = item.Quantity;
        Change(now, SubscriptionChangeKind.QuantityChanged, $"Quantity changed from {old} to {quantity}.",
            () => item.ChangeQuantity(quantity));
    }

    /// <summary>
    /// Monthly recurring revenue in minor units: zero unless active or past due (trials and ended subscriptions
    /// bring in nothing yet), otherwise <see cref="ContractedMonthlyRecurringMinor"/>.
    /// </summary>
    public long MonthlyRecurringMinor() =>
        Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue ? ContractedMonthlyRecurringMinor() : 0;

    /// <summary>
    /// Sum of the items' monthly equivalents after forever and still-running repeating discounts, whatever the
    /// status; summed in decimal and rounded half away from zero to the minor unit only at the end.
    /// </summary>
    public long ContractedMonthlyRecurringMinor() =>
        (long)decimal.Round(_items.Sum(i => i.MonthlyRecurring(CurrentPeriodStart, StartedAt)), 0, MidpointRounding.AwayFromZero);

    private void EndNow(SubscriptionTrigger trigger, DateTimeOffset now, string? reason) =>
        Transition(trigger, now, SubscriptionChangeKind.Canceled, reason ?? "Canceled.", () =>
        {
            CanceledAt = now;
            CancelAtPeriodEnd = false;
            CancelReason = reason ?? CancelReason;
            PausedUntil = null;
            if (CurrentPeriodEnd > now)
                CurrentPeriodEnd = Max(now, CurrentPeriodStart);
        });

    private void Transition(SubscriptionTrigger trigger, DateTimeOffset now, SubscriptionChangeKind kind, string detail, Action? alsoChange = null)
    {
        var to = SubscriptionStateMachine.Next(Status, trigger);
        Change(now, kind, detail, () =>
        {
            Status = to;
            alsoChange?.Invoke();
        });
    }

    /// <summary>Applies a validated change and records it with the MRR on either side.</summary>
    private void Change(DateTimeOffset now, SubscriptionChangeKind kind, string detail, Action change)
    {
        var from = Status;
        var mrrBefore = MonthlyRecurringMinor();
        change();
        Version++;
        UpdatedAt = now;
        _history.Add(new SubscriptionChange(now, kind, from, Status, mrrBefore, MonthlyRecurringMinor(), detail));
    }

    private void StartPeriod(DateTimeOffset start, DateTimeOffset anchor, DateTimeOffset end)
    {
        BillingCycleAnchor = anchor;
        CurrentPeriodStart = start;
        CurrentPeriodEnd = end;
    }

    private void EnsureItemsEditable()
    {
        if (Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
            throw new DomainException($"Cannot change the items of {Describe()} subscription.");
    }

    /// <summary>The checks a move of <paramref name="item"/> to <paramref name="newPrice"/> must pass; true when the cadence changes.</summary>
    private bool EnsurePlanChangeAllowed(SubscriptionItem item, CatalogPrice newPrice, bool soldByGateway)
    {
        if (!soldByGateway)
            newPrice.EnsurePurchasable();
        if (newPrice.Id == item.PriceId)
            throw new DomainException("The subscription is already on this price.");
        if (newPrice.Terms.Currency != Currency)
            throw new DomainException($"The new price is in {newPrice.Terms.Currency} but the subscription is billed in {Currency}.");
        if (_items.Any(i => i.Id != item.Id && i.ProductId == newPrice.ProductId))
            throw new DomainException("The subscription already includes this product.");
        var cadenceChanges = !newPrice.Terms.HasSameCadenceAs(item.Terms);
        if (cadenceChanges && _items.Count > 1)
            throw new DomainException("Remove the add-ons before switching billing interval: all items renew together.");
        return cadenceChanges;
    }

    private void ClearScheduledChange() => ScheduledItemId = ScheduledPriceId = null;

    private SubscriptionItem FindItem(Guid itemId) =>
        _items.FirstOrDefault(i => i.Id == itemId) ?? throw new DomainException("This subscription has no such item.");

    /// <summary>Stripe's rules for one subscription: one currency, one cadence, each product once.</summary>
    private static void EnsureCompatible(IReadOnlyList<(Guid ProductId, PriceTerms Terms)> lines)
    {
        var first = lines[0].Terms;
        if (lines.Any(l => l.Terms.Currency != first.Currency))
            throw new DomainException("All items of a subscription must be in the same currency.");
        if (lines.Any(l => !l.Terms.HasSameCadenceAs(first)))
            throw new DomainException($"All items of a subscription must renew on the same cadence ({Describe(first)}).");
        if (lines.Select(l => l.ProductId).Distinct().Count() != lines.Count)
            throw new DomainException("A product can appear only once in a subscription.");
    }

    private string Describe() => SubscriptionStateMachine.DescribeWithArticle(Status);

    private static string Describe(PriceTerms terms) =>
        $"{terms.Amount.Display()} every {(terms.IntervalCount == 1 ? "" : $"{terms.IntervalCount} ")}"
        + $"{terms.Interval.ToString().ToLowerInvariant()}{(terms.IntervalCount == 1 ? "" : "s")}";

    /// <summary>A day as people read it ("23 Jan 2027"), in the history and in every refusal a member may see.</summary>
    private static string Day(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
