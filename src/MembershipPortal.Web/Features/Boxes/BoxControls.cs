using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>A one-time extra a member can add to a box: its price in the subscription's currency.</summary>
public sealed record ExtraOption(Guid PriceId, Guid ProductId, string Name, Money Price);

/// <summary>
/// The member's box controls at /account/boxes beyond a single skip: pause for 1–3 cycles (a skip of each, so none of
/// them is shipped or charged), undo a skip or pause while its cycle is open, and one-time extras. An extra is charged
/// at once on the card on file (test gateway; a declined card adds nothing) and goes into the next cycle not yet cut off;
/// removed before that cut-off it is refunded. Every call checks the subscription is the signed-in member's own.
/// </summary>
public sealed class BoxControls(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, BusinessSettings business, NoticeQueue notices, TimeProvider clock,
    ILogger<BoxControls> logger, StripeSkipCredits credits)
{
    public const int MaxExtraQuantity = 5;

    private sealed record Box(Subscription Subscription, Product Product, BoxSchedule Schedule);

    private async Task<(Box? Box, string? Problem)> FindAsync(AppDbContext db, string memberId, Guid subscriptionId, bool tracked, CancellationToken ct)
    {
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracked);
        if (sub is null)
            return (null, "Subscription not found.");
        // The parcel's product: the box, else a membership's or course's mailed kit (ShipmentPlan), whose cycles a pause skips.
        var product = (await ShipmentService.ParcelProductsAsync(db, [sub], ct)).GetValueOrDefault(sub.Id);
        if (product is null)
            return (null, "This subscription has no box.");
        if (sub.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
            return (null, "This subscription is not active, so its boxes cannot be changed.");
        return (new Box(sub, product, ShipmentService.Schedule(product, await business.TimeZoneAsync(ct))), null);
    }

    /// <summary>Pauses the box for the next <paramref name="cycles"/> cycles still open (1–3): no box and no charge for each.</summary>
    public async Task<string?> PauseAsync(string memberId, Guid subscriptionId, int cycles, CancellationToken ct = default)
    {
        if (!PauseLimit.Allows(cycles))
            return PauseLimit.Message("boxes");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (box, problem) = await FindAsync(db, memberId, subscriptionId, false, ct);
        if (box is null)
            return problem;
        // A kit's pause is only skips of the kit (the membership runs on), so it needs no Owner switch; a box needs AllowPause.
        if (box.Product.Kind == ProductKind.Box && !box.Product.AllowPause)
            return $"{box.Product.Name} cannot be paused; you can skip a box instead.";
        var now = clock.GetUtcNow();
        var keys = box.Schedule.PauseCycles(cycles, now).Select(c => c.ToString()).ToList();
        var existing = await db.BoxSkips.Where(s => s.SubscriptionId == subscriptionId && keys.Contains(s.Cycle)).Select(s => s.Cycle).ToListAsync(ct);
        var added = keys.Except(existing).Select(key => new BoxSkip { SubscriptionId = subscriptionId, Cycle = key, At = now, ByPause = true }).ToList();
        if (await credits.CreditAsync(db, subscriptionId, added, ct) is { } creditProblem)
            return creditProblem;
        db.BoxSkips.AddRange(added);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Takes back a skip (or one cycle of a pause) while that cycle is open and the skip has not yet waived a renewal.</summary>
    public async Task<string?> UnskipAsync(string memberId, Guid subscriptionId, CycleKey cycle, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (box, problem) = await FindAsync(db, memberId, subscriptionId, false, ct);
        if (box is null)
            return problem;
        if (!box.Schedule.IsOpen(cycle, clock.GetUtcNow()))
            return $"The {cycle} box is already being packed; its skip stays.";
        var key = cycle.ToString();
        var skip = await db.BoxSkips.FirstOrDefaultAsync(s => s.SubscriptionId == subscriptionId && s.Cycle == key, ct);
        if (skip is null)
            return null;
        if (skip.WaivedPeriodStart is not null)
            return $"The {cycle.InWords()} box was skipped and a payment already left out for it; the skip stays.";
        if (await credits.RemoveAsync(skip, ct) is { } creditProblem)
            return creditProblem;
        db.BoxSkips.Remove(skip);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Takes a mailed kit off the subscription at the end of the current period (<see cref="Subscription.ScheduleItemRemoval"/>):
    /// the kit is charged and ships until then, the membership and its content go on. With Stripe the kit's subscription
    /// item is deleted at Stripe at once without proration: the current period is paid (nothing is refunded) and the next
    /// renewal does not bill it; the portal keeps the item, flagged, so it ships through the paid period, and the webhooks
    /// drop it at the rollover (<c>SubscriptionReconciler</c>).
    /// </summary>
    public async Task<string?> RemoveKitAsync(string memberId, Guid subscriptionId, Guid kitProductId, CancellationToken ct = default) =>
        await ChangeKitAsync(memberId, subscriptionId, kitProductId, remove: true, ct);

    /// <summary>Keeps a kit that was set to be removed at the period end (with Stripe: the item is added back, billed from the next renewal).</summary>
    public async Task<string?> KeepKitAsync(string memberId, Guid subscriptionId, Guid kitProductId, CancellationToken ct = default) =>
        await ChangeKitAsync(memberId, subscriptionId, kitProductId, remove: false, ct);

    private async Task<string?> ChangeKitAsync(string memberId, Guid subscriptionId, Guid kitProductId, bool remove, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await db.Subscriptions.Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == subscriptionId && s.MemberId == memberId, ct);
        if (sub is null)
            return "Subscription not found.";
        var item = sub.Items.FirstOrDefault(i => i.ProductId == kitProductId);
        var product = item is null ? null : await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == kitProductId, ct);
        if (item is null || product is not { Kind: ProductKind.AddOn, ShipsPhysically: true })
            return "This subscription has no such kit.";
        // The key is taken before the change: one per attempt at this state of the subscription, so a retry of the same
        // click is the same request at Stripe and the next change is a new one.
        var attemptKey = $"kit-{(remove ? "remove" : "keep")}:{sub.Id:N}:{item.Id:N}:{sub.Version}";
        try
        {
            if (remove)
                sub.ScheduleItemRemoval(item.Id, clock.GetUtcNow());
            else
                sub.UndoItemRemoval(item.Id, clock.GetUtcNow());
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
        // Checked by the domain first, so a refused change never reaches Stripe; Stripe refusing leaves the portal unchanged.
        if (gateway.UsesHostedPages && await ChangeKitAtStripeAsync(db, sub, item, product.Name, remove, attemptKey, ct) is { } problem)
            return problem;
        await db.SaveChangesAsync(ct);
        return null;
    }

    private async Task<string?> ChangeKitAtStripeAsync(AppDbContext db, Subscription sub, SubscriptionItem item, string kitName, bool remove, string key, CancellationToken ct)
    {
        var record = await db.SubscriptionRecords.AsNoTracking().FirstOrDefaultAsync(r => r.SubscriptionId == sub.Id, ct);
        if (record is not { Gateway: Infrastructure.Payments.Stripe.StripePaymentGateway.GatewayName, GatewaySubscriptionId: { Length: > 0 } gatewaySubscription })
            return null; // billed by the portal itself: its renewal run removes the kit
        var gatewayPrice = await GatewayPriceIdAsync(db, item.PriceId, ct);
        if (gatewayPrice is null)
            return $"{kitName} is not set up with the payment provider, so nothing changed; please try again later.";
        List<SubscriptionItemChange> changes = [remove
            ? new SubscriptionItemChange(null, gatewayPrice, item.Quantity, Remove: true, ReplacesGatewayPriceId: gatewayPrice)
            : new SubscriptionItemChange(null, gatewayPrice, item.Quantity)];
        // Stripe bills the parcel's shipping as its own recurring line: it leaves with the last mailed item, and comes back
        // (at today's zone rate for the subscription's address, as a renewal on the test gateway) when that item is kept.
        var mailed = (await BoxRenewals.ShippingProductsAsync(db, sub, ct)).Select(p => p.Id).ToHashSet();
        if (!sub.Items.Any(i => i.Id != item.Id && !i.EndsAtPeriodEnd && mailed.Contains(i.ProductId)))
        {
            if (remove)
                changes.Add(SubscriptionItemChange.RemoveShipping());
            else if (await ShippingZones.LineAsync(db, record.ShippingAddress?.Country,
                         sub.Items.Where(i => !i.EndsAtPeriodEnd).Aggregate(Money.Zero(sub.Currency), (sum, i) => sum + i.GrossPerPeriod), chargedNow: true, ct) is { } rate)
                changes.Add(SubscriptionItemChange.AddShipping(new CheckoutShippingLine(rate.Amount, item.Terms.Interval.ToString().ToLowerInvariant(), item.Terms.IntervalCount)));
        }
        try
        {
            await gateway.UpdateSubscriptionAsync(new SubscriptionUpdateRequest(gatewaySubscription, changes, ProrateNow: false, key), ct);
            return null;
        }
        catch (Exception ex) when (ex is Infrastructure.Payments.Stripe.PaymentGatewayException or HttpRequestException)
        {
            logger.LogWarning(ex, "Stripe did not {Change} kit {Item} of subscription {Subscription}.", remove ? "remove" : "add back", item.Id, sub.Id);
            return $"{kitName} could not be {(remove ? "removed" : "kept")} at the payment provider just now, so nothing changed: {ex.Message}";
        }
    }

    /// <summary>The kit price's Stripe id: the one the catalog sync gave it, else the Stripe import's mapping.</summary>
    private static async Task<string?> GatewayPriceIdAsync(AppDbContext db, Guid priceId, CancellationToken ct) =>
        await db.Prices.AsNoTracking().Where(p => p.Id == priceId).Select(p => EF.Property<string?>(p, Billing.StripeCatalogSync.PriceIdColumn)).FirstOrDefaultAsync(ct)
        ?? await db.StripePriceMappings.AsNoTracking().Where(m => m.CatalogPriceId == priceId && !m.LeftOut).Select(m => m.StripePriceId).FirstOrDefaultAsync(ct);

    /// <summary>The one-time add-ons for sale that can go into this box, priced in the subscription's currency.</summary>
    public async Task<IReadOnlyList<ExtraOption>> ExtraOptionsAsync(Guid boxProductId, string currency, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await OptionsAsync(db, boxProductId, currency, ct);
    }

    private static async Task<List<ExtraOption>> OptionsAsync(AppDbContext db, Guid boxProductId, string currency, CancellationToken ct)
    {
        var products = (await db.Products.AsNoTracking()
                .Where(p => p.Kind == ProductKind.AddOn && p.AddOnBilling == AddOnBilling.OneTime && p.IsVisible).ToListAsync(ct))
            .Where(p => p.AttachableTo.Count == 0 || p.AttachableTo.Contains(boxProductId)).ToList();
        var ids = products.Select(p => p.Id).ToList();
        var prices = (await db.Prices.AsNoTracking().Where(p => ids.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct))
            .Where(p => p.Terms.Currency == currency).ToList();
        return [.. products.OrderBy(p => p.Name)
            .Select(p => (Product: p, Price: prices.Where(x => x.ProductId == p.Id).OrderBy(x => x.Terms.Amount.Minor).FirstOrDefault()))
            .Where(x => x.Price is not null)
            .Select(x => new ExtraOption(x.Price!.Id, x.Product.Id, x.Product.Name, x.Price.Terms.Amount))];
    }

    /// <summary>
    /// Adds a one-time extra to the next box still open and charges it now on the card on file. <paramref name="attemptId"/>
    /// is one per form: it is the extra's id and the charge's idempotency key, so a double click charges and adds once.
    /// With Stripe the charge is an off-session PaymentIntent on the customer's default card, and a removal refunds it there.
    /// </summary>
    public async Task<string?> AddExtraAsync(string memberId, Guid subscriptionId, Guid priceId, int quantity, Guid attemptId, CancellationToken ct = default)
    {
        if (quantity is < 1 or > MaxExtraQuantity)
            return $"Choose a quantity from 1 to {MaxExtraQuantity}.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (box, problem) = await FindAsync(db, memberId, subscriptionId, false, ct);
        if (box is null)
            return problem;
        if (await db.BoxExtras.AnyAsync(e => e.Id == attemptId, ct))
            return null;
        var option = (await OptionsAsync(db, box.Product.Id, box.Subscription.Currency, ct)).FirstOrDefault(o => o.PriceId == priceId);
        if (option is null)
            return "This extra is not available for your box.";
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        if (profile?.CustomerId is null)
            return "Add a card in Billing first.";

        var now = clock.GetUtcNow();
        var cycle = OneTimeExtras.TargetCycle(box.Schedule, now);
        var amount = option.Price * quantity;
        var charge = await gateway.ChargeAsync(new ChargeRequest(profile.CustomerId, profile.TestCardToken, amount,
            $"{option.Name} for your {cycle} box", $"box-extra:{attemptId}", IsRenewal: false), ct);
        if (!charge.Succeeded)
            return charge.FailureMessage ?? "Your card was declined; nothing was added.";

        var line = new InvoiceLine(InvoiceLineKind.Subscription, option.ProductId, $"{option.Name} (one-time, {cycle} box)", quantity, amount, true);
        var invoice = Ledger.PaidInvoice(memberId, subscriptionId, [line], amount, now, null, null, "box_extra");
        db.Invoices.Add(invoice);
        db.Payments.Add(Ledger.Payment(invoice, charge.PaymentId, profile.CardLast4, now));
        db.BoxExtras.Add(new BoxExtra
        {
            Id = attemptId,
            SubscriptionId = subscriptionId,
            MemberId = memberId,
            ProductId = option.ProductId,
            PriceId = option.PriceId,
            Description = option.Name,
            Quantity = quantity,
            AmountMinor = amount.Minor,
            Currency = amount.Currency,
            Cycle = cycle.ToString(),
            InvoiceId = invoice.Id,
            GatewayPaymentId = charge.PaymentId,
            CreatedAt = now,
        });
        await notices.QueueReceiptAsync(db, box.Subscription, invoice, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            logger.LogError(ex, "Box extra {Extra} could not be saved; refunding {Payment}.", attemptId, charge.PaymentId);
            if (charge.PaymentId is not null)
                await gateway.RefundAsync(new RefundRequest(charge.PaymentId, amount, $"refund:box-extra:{attemptId}"), CancellationToken.None);
            return "Something went wrong while adding the extra; you have not been charged. Please try again.";
        }
        return null;
    }

    /// <summary>Takes an extra off the box before its cycle's cut-off and refunds it.</summary>
    public async Task<string?> RemoveExtraAsync(string memberId, Guid extraId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var extra = await db.BoxExtras.FirstOrDefaultAsync(e => e.Id == extraId && e.MemberId == memberId, ct);
        if (extra is null || extra.Status == BoxExtraStatus.Removed)
            return "This extra is not on your box.";
        var productIds = await db.Subscriptions.Where(s => s.Id == extra.SubscriptionId).SelectMany(s => s.Items.Select(i => i.ProductId)).ToListAsync(ct);
        var product = await db.Products.AsNoTracking().FirstAsync(p => productIds.Contains(p.Id) && p.Kind == ProductKind.Box, ct);
        var schedule = ShipmentService.Schedule(product, await business.TimeZoneAsync(ct));
        var cycle = CycleKey.Parse(extra.Cycle);
        if (extra.Status != BoxExtraStatus.Pending || !OneTimeExtras.CanRemove(schedule, cycle, clock.GetUtcNow()))
            return $"The {cycle} box is already being packed; the {extra.Description} stays in it.";

        if (await RefundAsync(db, extra, clock.GetUtcNow(), ct) is { } failure)
            return failure;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Refunds the one-time extras a canceled subscription will never receive: those still waiting for a box when the
    /// cycle that would carry them is generated (<see cref="ShipmentService.GenerateAsync"/>). A subscription that is only
    /// behind on payment keeps its extras for the next box it gets.
    /// </summary>
    internal async Task<int> RefundStrandedExtrasAsync(Guid boxProductId, CycleKey cycle, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.BoxExtras.Where(e => e.Status == BoxExtraStatus.Pending && e.ShipmentId == null
                && db.Subscriptions.Any(s => s.Id == e.SubscriptionId && s.Status == SubscriptionStatus.Canceled && s.Items.Any(i => i.ProductId == boxProductId)))
            .ToListAsync(ct);
        var carried = OneTimeExtras.CarriedBy(cycle, pending.Select(e => new PendingExtra(e.Id, CycleKey.Parse(e.Cycle), e.ShipmentId))).Select(e => e.Id).ToHashSet();
        var refunded = 0;
        foreach (var extra in pending.Where(e => carried.Contains(e.Id)))
        {
            // One at a time: each refund that went through is recorded even if a later one fails (that one is tried again next run).
            if (await RefundAsync(db, extra, clock.GetUtcNow(), ct) is { } failure)
            {
                logger.LogWarning("The {Extra} of canceled subscription {Subscription} could not be refunded: {Reason}", extra.Description, extra.SubscriptionId, failure);
                continue;
            }
            await db.SaveChangesAsync(ct);
            refunded++;
        }
        return refunded;
    }

    /// <summary>Refunds an extra's charge and takes it off its box (saved by the caller); null when done, else why not.</summary>
    private async Task<string?> RefundAsync(AppDbContext db, BoxExtra extra, DateTimeOffset now, CancellationToken ct)
    {
        var amount = new Money(extra.AmountMinor, extra.Currency);
        if (extra.GatewayPaymentId is { } paymentId)
        {
            // The same key whoever asks (the member, or the generation of a canceled member's cycle): refunded once.
            var refund = await Refunds.RefundAsync(gateway, db, new RefundOf(paymentId, extra.InvoiceId, extra.MemberId), amount, $"refund:box-extra:{extra.Id}", now, ct);
            if (!refund.Succeeded)
                return refund.FailureMessage ?? "The refund did not go through; the extra stays. Please try again.";
            if (refund is { Row: { } row, Invoice: { } invoice })
                await notices.QueueRefundAsync(db, invoice, row, now, ct, $"{extra.Description} is off your {extra.Cycle} box; the rest of your subscription does not change.");
        }
        (extra.Status, extra.RemovedAt) = (BoxExtraStatus.Removed, now);
        return null;
    }
}
