using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// customer.subscription.created|updated|deleted|paused|resumed: each carries the whole subscription, so all five
/// reconcile the local aggregate to it. A subscription not seen before is started from the catalog prices its Stripe
/// prices map to. An event created before the newest one applied is acknowledged and ignored, so an update delivered
/// ahead of its creation still ends in the latest state. A subscription that is not ours is acknowledged and logged; one
/// that is ours on a price not synced yet fails, so Stripe retries it after the sync.
/// </summary>
internal sealed class SubscriptionEventHandler(ILogger<SubscriptionEventHandler> logger, IBillingNotices notices) : IStripeEventHandler
{
    private readonly SubscriptionReconciler reconciler = new(logger);

    public IReadOnlyCollection<string> EventTypes { get; } =
    [
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "customer.subscription.paused", "customer.subscription.resumed",
    ];

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        var remote = context.Read(StripeWebhookJson.Default.WebhookSubscription);
        var db = context.Db;
        var record = await StripeLedger.FindRecordAsync(db, remote.Id, ct);
        if (record is not null && StripeLedger.IsStale(record, context.CreatedAt))
        {
            logger.LogInformation("Stripe event {EventId} for {Subscription} is older than the last one applied; ignored.", context.Event.Id, remote.Id);
            return;
        }

        // Ours: a subscription already recorded, or one our checkout created (member_id of a member here in the metadata).
        // A member's customer may also hold subscriptions to the account's other products (no metadata): those are not ours.
        var metadataMember = record is null ? await MemberFromMetadataAsync(context, remote, ct) : null;
        var memberId = record is null ? metadataMember ?? await StripeLedger.MemberForCustomerAsync(db, remote.CustomerId, ct) : null;
        if (record is null && memberId is null)
        {
            context.Ignore($"Subscription {remote.Id} (customer {remote.CustomerId ?? "none"}) is not this portal's: no member of this portal in its metadata or linked to its customer.");
            return;
        }

        var (state, unmappedPrice) = await ToStateAsync(context, remote, ct);
        if (state is null)
        {
            if (record is not null || metadataMember is not null)
                throw new WebhookRetryLaterException(
                    $"Subscription {remote.Id} uses price {unmappedPrice}, which no catalog price maps to yet. Sync the catalog with Stripe; Stripe retries the event.");
            context.Ignore($"Subscription {remote.Id} of a member's customer uses price {unmappedPrice}, which no catalog price maps to, and was not created by this portal's checkout.");
            return;
        }

        Subscription local;
        if (record is null)
        {
            // Started at Stripe's start date, so the first period computed by the domain is the one Stripe billed. Stripe
            // has sold it, so a price the Owner archived since is recorded as sold (grandfathered like any other).
            var newItems = state.Items.Select(i => new NewSubscriptionItem(i.Price, i.Quantity)).ToList();
            var start = StripeTime.FromUnix(remote.StartDate);
            var coupon = await CouponAsync(context, remote, newItems, start, ct);
            local = Subscription.Start(memberId!, newItems, start, paymentConfirmed: remote.Status is not ("incomplete" or "incomplete_expired"), coupon,
                soldByGateway: true);
            coupon?.Redeem();
            record = new SubscriptionRecord { SubscriptionId = local.Id, Gateway = StripePaymentGateway.GatewayName, GatewaySubscriptionId = remote.Id };
            db.Subscriptions.Add(local);
            db.SubscriptionRecords.Add(record);
        }
        else
        {
            local = await StripeLedger.LoadSubscriptionAsync(db, record.SubscriptionId, ct);
        }

        var (before, firstFailure) = (local.Status, local.FirstFailedPaymentAt);
        reconciler.Apply(local, state, context.Now);
        StripeLedger.MarkApplied(record, context.CreatedAt);
        var shipping = (remote.Items?.Data ?? []).Where(i => i.Price?.Product == StripePaymentGateway.ShippingProductId)
            .Sum(i => (i.Price!.UnitAmount ?? 0) * (i.Quantity ?? 1));
        await StripeShippingCharge.SetAsync(db, local.Id, shipping, context.Now, ct);
        // Stripe gave up on a past-due subscription (unpaid, or canceled for non-payment): the member is told access ended.
        // A cancellation the member asked for is not that, even when its event overtook the payment that recovered them.
        if (before == SubscriptionStatus.PastDue && local.Status is SubscriptionStatus.Unpaid or SubscriptionStatus.Canceled && firstFailure is { } first
            && remote.CancellationDetails?.Reason != "cancellation_requested")
            await notices.SuspendedAsync(db, local, first, context.Now, ct);
    }

    /// <summary>Stripe's state in catalog terms, or null and the first Stripe price no catalog price maps to (archived ones do map).</summary>
    private static async Task<(GatewaySubscriptionState? State, string? UnmappedPrice)> ToStateAsync(StripeEventContext context, WebhookSubscription remote, CancellationToken ct)
    {
        // The shipping line our checkout adds is billed by Stripe (its invoices carry it) but is no catalog item.
        var stripeItems = (remote.Items?.Data ?? []).Where(i => i.Price?.Product != StripePaymentGateway.ShippingProductId).ToList();
        var priceIds = stripeItems.Select(i => i.Price?.Id).OfType<string>().Distinct().ToList();
        var prices = await StripeLedger.PricesAsync(context.Db, priceIds, ct);
        // Items on a price the Owner left out of the Stripe import are not the portal's (an imported subscription keeps the rest).
        if (priceIds.Count > prices.Count && await StripeLedger.LeftOutPricesAsync(context.Db, priceIds.Where(id => !prices.ContainsKey(id)).ToList(), ct) is { Count: > 0 } leftOut)
            stripeItems = [.. stripeItems.Where(i => i.Price?.Id is not { } id || !leftOut.Contains(id))];
        if (stripeItems.Count == 0)
            return (null, "(only prices left out of the import)");
        var items = new List<GatewaySubscriptionItem>();
        foreach (var item in stripeItems)
        {
            if (item.Price?.Id is not { } priceId || !prices.TryGetValue(priceId, out var price))
                return (null, item.Price?.Id ?? "(none)");
            items.Add(new GatewaySubscriptionItem(price, checked((int)(item.Quantity ?? 1))));
        }
        if (items.Count == 0)
            throw new InvalidOperationException($"Stripe subscription {remote.Id} has no items.");

        var status = SubscriptionStatusNames.FromStripeName(remote.Status);
        var collectionPaused = status == SubscriptionStatus.Active && remote.PauseCollection is not null;
        return (new GatewaySubscriptionState(
            collectionPaused ? SubscriptionStatus.Paused : status,
            collectionPaused ? $"{remote.Status} (collection paused)" : remote.Status ?? "(none)",
            items,
            stripeItems.Count > 0 ? StripeTime.FromUnix(stripeItems.Max(i => i.CurrentPeriodEnd)) : null,
            remote.CancelAtPeriodEnd || remote.CancelAt is not null,
            CancelReason(remote),
            StripeTime.FromUnix(remote.PauseCollection?.ResumesAt)), null);
    }

    /// <summary>
    /// The portal coupon our checkout put in the subscription's metadata, so the local items carry the discount Stripe
    /// applies (MRR and the billing page agree with Stripe's invoices). One that no longer applies here (deleted, or
    /// exhausted since the checkout started) is logged and left out: Stripe's invoices stay the record of what was paid.
    /// </summary>
    private async Task<Domain.Catalog.Coupon?> CouponAsync(
        StripeEventContext context, WebhookSubscription remote, IReadOnlyList<NewSubscriptionItem> items, DateTimeOffset start, CancellationToken ct)
    {
        if (remote.Metadata?.GetValueOrDefault(StripePaymentGateway.CouponCodeKey) is not { Length: > 0 } code)
            return null;
        string normalized;
        try
        { normalized = Domain.Catalog.CouponTerms.NormalizeCode(code); }
        catch (Domain.Common.DomainException) { normalized = ""; }
        var coupon = normalized.Length == 0 ? null
            : await context.Db.Coupons.FirstOrDefaultAsync(c => EF.Property<string>(c, Data.Configurations.CouponConfiguration.CodeColumn) == normalized, ct);
        if (coupon is not null && items.Any(i => coupon.CanApply(i.Price.ProductId, start).IsValid))
            return coupon;
        logger.LogWarning("Stripe subscription {Subscription} used coupon {Coupon}, which no longer applies in the portal; recorded without it.", remote.Id, code);
        return null;
    }

    /// <summary>The member our checkout named in the metadata, when that member exists here (another portal on the same account names its own).</summary>
    private static async Task<string?> MemberFromMetadataAsync(StripeEventContext context, WebhookSubscription remote, CancellationToken ct) =>
        remote.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey) is { Length: > 0 } memberId
        && await StripeLedger.MemberExistsAsync(context.Db, memberId, ct)
            ? memberId
            : null;

    private static string? CancelReason(WebhookSubscription remote)
    {
        var details = remote.CancellationDetails;
        var reason = details?.Comment ?? details?.Feedback ?? details?.Reason;
        return string.IsNullOrWhiteSpace(reason) ? null : reason.Length > 200 ? reason[..200] : reason;
    }
}
