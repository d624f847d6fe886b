using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// A member's own billing: what they have, and every change they can make to it. Every method takes the member id
/// from the signed-in user (never from the request) and only touches that member's subscriptions.
/// </summary>
public sealed class BillingService(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, BillingSettings settings, RenewalRun renewals, NoticeQueue notices, TimeProvider clock,
    UseCaseRunner runner)
{
    public static readonly string[] CancelReasons = ["Too expensive", "Not using it enough", "Missing a feature I need", "Switching to something else", "Other"];

    public async Task<BillingOverview> OverviewAsync(string memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => s.MemberId == memberId).ToListAsync(ct);
        var productIds = subs.SelectMany(s => s.Items).Select(i => i.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var pendingPriceIds = subs.Where(s => s.ScheduledPriceId != null).Select(s => s.ScheduledPriceId!.Value).ToList();
        var pendingPrices = await db.Prices.AsNoTracking().Where(p => pendingPriceIds.Contains(p.Id)).ToListAsync(ct);
        // The next payment as the renewal will charge it: shipping included, a skipped box left out.
        var next = await renewals.NextChargesAsync(db, subs, ct);
        // "Change plan" is offered only when PlanOptionsAsync would offer something.
        var plans = await PlansOnSaleAsync(db, [.. products.Values.Where(p => p.Kind != ProductKind.AddOn).Select(p => p.Kind).Distinct()], ct);
        bool HasOtherPlans(Subscription s) =>
            s.Items.FirstOrDefault(i => products.GetValueOrDefault(i.ProductId) is { Kind: not ProductKind.AddOn }) is not { } main
            || plans.Any(plan => IsOtherPlan(main, products[main.ProductId], plan));

        var views = subs.OrderBy(s => s.Status is SubscriptionStatus.Canceled ? 1 : 0).ThenByDescending(s => s.StartedAt).Select(s =>
        {
            string? pending = null;
            if (s.ScheduledPriceId is { } pp && pendingPrices.FirstOrDefault(p => p.Id == pp) is { } price && products.TryGetValue(price.ProductId, out var target))
                pending = $"Changes to {target.Name} ({Describe.Price(price.Terms)}) on {s.CurrentPeriodEnd:d MMM yyyy}";
            return new SubscriptionView(s.Id, s.Status,
                s.Items.Select(i => ToItemView(i, products.GetValueOrDefault(i.ProductId))).OrderBy(i => i.Kind == ProductKind.AddOn).ThenBy(i => i.ProductName).ToList(),
                s.CurrentPeriodEnd, s.TrialEnd, s.CancelAtPeriodEnd, s.PausedUntil, next[s.Id],
                s.Items.Any(i => products.GetValueOrDefault(i.ProductId)?.AllowPause == true), pending,
                s.History.OrderByDescending(h => h.At).ToList(), HasOtherPlans(s));
        }).ToList();

        var invoices = await db.Invoices.AsNoTracking().Where(i => i.MemberId == memberId).OrderByDescending(i => i.CreatedAt).Take(50).ToListAsync(ct);
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        var card = profile?.CardLast4 is { } last4 ? $"{profile.CardBrand} ending {last4}, expires {profile.CardExpMonth:00}/{profile.CardExpYear}" : null;
        var policy = await settings.GetAsync(ct);
        return new BillingOverview(views,
            invoices.Select(i => new InvoiceView(i.Id, i.DisplayNumber, i.CreatedAt, new Money(i.TotalMinor, i.Currency), Receipts.StatusText(i.Status), i.Reason, i.PaidAt)).ToList(),
            card)
        { SaveOffer = policy.SaveOffer, SaveOfferPercent = policy.SaveOfferPercent, SaveOfferMonths = policy.SaveOfferMonths };
    }

    /// <summary>One of the member's own invoices; another member's id finds nothing.</summary>
    public async Task<Invoice?> InvoiceAsync(string memberId, Guid invoiceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId && i.MemberId == memberId, ct);
    }

    /// <summary>Other plans (membership tiers and billing intervals) the subscription's main item can move to.</summary>
    public async Task<IReadOnlyList<PlanOption>> PlanOptionsAsync(string memberId, Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        if (sub is null)
            return [];
        var (item, product) = await MainItemAsync(db, sub, ct);
        return (await PlansOnSaleAsync(db, [product.Kind], ct)).Where(plan => IsOtherPlan(item, product, plan))
            .Select(plan => new PlanOption(plan.Price.Id, plan.Product.Name, plan.Product.Rank, plan.Price.Terms, IsUpgrade(product, item.Terms, plan.Product, plan.Price.Terms)))
            .OrderBy(o => o.Rank).ThenBy(o => o.Terms.PeriodMonths).ToList();
    }

    /// <summary>The current prices of visible products of these kinds, each with its product: the plans a subscription can move to.</summary>
    private static async Task<List<(CatalogPrice Price, Product Product)>> PlansOnSaleAsync(AppDbContext db, List<ProductKind> kinds, CancellationToken ct)
    {
        var onSale = await db.Products.AsNoTracking().Where(p => p.IsVisible && kinds.Contains(p.Kind)).ToDictionaryAsync(p => p.Id, ct);
        var ids = onSale.Keys.ToList();
        return [.. (await db.Prices.AsNoTracking().Where(p => !p.IsArchived && ids.Contains(p.ProductId)).ToListAsync(ct)).Select(p => (p, onSale[p.ProductId]))];
    }

    /// <summary>A plan the main item can change to: of its product's kind, in its currency, and not the price it is on.</summary>
    private static bool IsOtherPlan(SubscriptionItem item, Product current, (CatalogPrice Price, Product Product) plan) =>
        plan.Price.Id != item.PriceId && plan.Product.Kind == current.Kind && plan.Price.Terms.Currency == item.Terms.Currency;

    /// <summary>A higher tier is an upgrade; on the same tier, a longer or dearer interval is an upgrade (it is charged now).</summary>
    public static bool IsUpgrade(Product from, PriceTerms fromTerms, Product to, PriceTerms toTerms) =>
        to.Rank != from.Rank
            ? to.Rank > from.Rank
            : toTerms.PeriodMonths > fromTerms.PeriodMonths ||
              (toTerms.PeriodMonths == fromTerms.PeriodMonths && toTerms.Amount.Minor > fromTerms.Amount.Minor);

    public async Task<ChangePreview?> PreviewChangeAsync(string memberId, Guid subscriptionId, Guid priceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PreviewAsync(db, memberId, subscriptionId, priceId, ct);
    }

    private async Task<ChangePreview?> PreviewAsync(AppDbContext db, string memberId, Guid subscriptionId, Guid priceId, CancellationToken ct)
    {
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        var option = (await PlanOptionsAsync(memberId, subscriptionId, ct)).FirstOrDefault(o => o.PriceId == priceId);
        if (sub is null || option is null)
            return null;
        var (item, _) = await MainItemAsync(db, sub, ct);
        var now = clock.GetUtcNow();
        var policy = await settings.GetAsync(ct);
        // A higher tier on a shorter interval can cost less today than the unused time is worth: then it is scheduled like a downgrade.
        if (option.IsUpgrade && TryUpgrade(item, option, sub, now) is { } proration)
        {
            var due = sub.Status == SubscriptionStatus.Trialing ? Money.Zero(proration.Net.Currency) : proration.AmountDueNow;
            var text = sub.Status == SubscriptionStatus.Trialing
                ? $"You switch to {option.ProductName} now; your trial continues and {Describe.Price(option.Terms)} starts when it ends."
                : $"You pay {due.Display()} today: {proration.RemainingCharge.Display()} for the rest of this period on {option.ProductName}, less {proration.UnusedCredit.Display()} unused on your current plan. Then {Describe.Price(option.Terms)}.";
            return new ChangePreview(option, proration, true, text);
        }
        var timing = policy.Downgrade == DowngradeTiming.ImmediateWithCredit && !option.IsUpgrade ? ProrationTiming.Immediate : ProrationTiming.AtPeriodEnd;
        var down = Proration.ForDowngrade(item.Terms, option.Terms, item.Quantity, item.Quantity, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now, timing, item.Coupon);
        var explanation = timing == ProrationTiming.AtPeriodEnd
            ? $"You keep your current plan until {sub.CurrentPeriodEnd:d MMM yyyy}; then {option.ProductName} at {Describe.Price(option.Terms)}. Nothing is charged today."
            : $"You switch now and {down.AccountCredit.Display()} of unused time is refunded to your card.";
        return new ChangePreview(option, down, timing == ProrationTiming.Immediate, explanation);
    }

    private static ProrationPreview? TryUpgrade(SubscriptionItem item, PlanOption option, Subscription sub, DateTimeOffset now)
    {
        try
        {
            return Proration.ForUpgrade(item.Terms, option.Terms, item.Quantity, item.Quantity, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now, item.Coupon);
        }
        catch (DomainException)
        {
            return null;
        }
    }

    /// <summary>
    /// Moves the subscription's main item to another price: an upgrade at once with the proration charged, a downgrade
    /// now or at the period end per the billing settings; with Stripe the Stripe item moves and Stripe invoices the proration.
    /// </summary>
    public Task<Outcome> ChangePlanAsync(string memberId, Guid subscriptionId, Guid priceId, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.ForMember("member.plan.change", memberId), async uc =>
        {
            var db = uc.Db;
            var preview = await PreviewAsync(db, memberId, subscriptionId, priceId, ct) ?? throw new UseCaseRefused("That plan is not available for this subscription.");
            var sub = (await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct))!;
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            var (item, _) = await MainItemAsync(db, sub, ct);
            var price = await db.Prices.SingleAsync(p => p.Id == priceId, ct);
            var now = uc.Now;
            // Stripe bills the subscription: an immediate change moves its item to the new price with the proration invoiced
            // now (a downgrade's unused time becomes Stripe credit on the next invoice); the ledger follows its webhooks.
            if (preview.Immediate && gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            {
                var ids = await db.Prices.AsNoTracking().Where(p => p.Id == priceId || p.Id == item.PriceId)
                    .Select(p => new { p.Id, Gateway = EF.Property<string?>(p, StripeCatalogSync.PriceIdColumn) }).ToListAsync(ct);
                var (from, to) = (ids.FirstOrDefault(x => x.Id == item.PriceId)?.Gateway, ids.FirstOrDefault(x => x.Id == priceId)?.Gateway);
                if (from is null || to is null)
                    throw new UseCaseRefused("That plan is not set up with the payment provider yet; try again later.");
                try
                {
                    await gateway.UpdateSubscriptionAsync(new SubscriptionUpdateRequest(gid,
                        [new SubscriptionItemChange(null, to, item.Quantity, ReplacesGatewayPriceId: from)], ProrateNow: true, $"change:{sub.Id}:{sub.Version}:{priceId}"), ct);
                }
                catch (Exception ex) when (ex is Infrastructure.Payments.Stripe.PaymentGatewayException or HttpRequestException)
                {
                    throw new UseCaseRefused($"The plan could not be changed just now, so nothing changed: {ex.Message}");
                }
                sub.ChangePlan(item.Id, price, now, soldByGateway: true);
                uc.AuditSummary = $"Changed subscription {sub.Id} to {preview.Target.ProductName} through Stripe, prorated";
                return $"You are now on {preview.Target.ProductName}. Stripe invoices the difference for the rest of this period.";
            }
            if (preview.Target.IsUpgrade && preview.Immediate)
            {
                var due = sub.Status == SubscriptionStatus.Trialing ? Money.Zero(price.Terms.Currency) : preview.Proration.AmountDueNow;
                var paid = await ChargeAsync(db, sub, due, $"change:{sub.Id}:{sub.Version}:{priceId}", $"Upgrade to {preview.Target.ProductName}", "subscription_update", now, ct);
                if (paid is not null)
                    throw new UseCaseRefused(paid);
                sub.ChangePlan(item.Id, price, now);
                uc.AuditSummary = $"Upgraded subscription {sub.Id} to {preview.Target.ProductName}, charged {due.Display()}";
                return $"You are now on {preview.Target.ProductName}.";
            }
            if (!preview.Immediate)
            {
                sub.SchedulePlanChange(item.Id, price);
                uc.AuditSummary = $"Scheduled subscription {sub.Id} to change to {preview.Target.ProductName} at period end";
                return $"Your plan changes to {preview.Target.ProductName} on {sub.CurrentPeriodEnd:d MMM yyyy}.";
            }
            sub.ChangePlan(item.Id, price, now);
            await RefundCreditAsync(db, sub, preview.Proration.AccountCredit, now, ct);
            uc.AuditSummary = $"Changed subscription {sub.Id} to {preview.Target.ProductName} now, credit {preview.Proration.AccountCredit.Display()}";
            return $"You are now on {preview.Target.ProductName}.";
        }, ct);

    public async Task<Outcome> CancelPendingChangeAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        await MutateAsync(memberId, subscriptionId, (_, sub, _) =>
        {
            sub.CancelScheduledChange();
            return Task.FromResult("The scheduled plan change was cancelled.");
        }, ct);

    /// <summary>Add-ons the subscription can take, on its cadence and currency.</summary>
    public async Task<IReadOnlyList<CheckoutOption>> AvailableAddOnsAsync(string memberId, Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        if (sub is null)
            return [];
        var (item, product) = await MainItemAsync(db, sub, ct);
        var owned = sub.Items.Select(i => i.ProductId).ToHashSet();
        var addOns = (await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.AddOn && p.IsVisible && p.AddOnBilling == AddOnBilling.Recurring).ToListAsync(ct))
            .Where(p => !owned.Contains(p.Id) && (p.AttachableTo.Count == 0 || p.AttachableTo.Contains(product.Id))).ToList();
        var ids = addOns.Select(a => a.Id).ToList();
        var prices = await db.Prices.AsNoTracking().Where(p => ids.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct);
        return addOns.Select(a => (a, prices.FirstOrDefault(p => p.ProductId == a.Id && p.Terms.HasSameCadenceAs(item.Terms) && p.Terms.Currency == item.Terms.Currency)))
            .Where(x => x.Item2 is not null)
            .Select(x => new CheckoutOption(x.Item2!.Id, x.a.Id, x.a.Name, x.a.Kind, x.Item2.Terms, x.a.NeedsShipping)).ToList();
    }

    /// <summary>
    /// Adds an add-on now and charges its share of the rest of the current period. An add-on that ships (a kit) on a
    /// subscription with no shipping address yet needs one: <paramref name="addressId"/>, from the member's address book,
    /// checked before anything is charged.
    /// </summary>
    public Task<Outcome> AddAddOnAsync(string memberId, Guid subscriptionId, Guid priceId, Guid? addressId = null, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            if (!(await AvailableAddOnsAsync(memberId, subscriptionId, ct)).Any(a => a.PriceId == priceId))
                throw new DomainException("That add-on cannot be added to this subscription.");
            var price = await db.Prices.SingleAsync(p => p.Id == priceId, ct);
            var product = await db.Products.SingleAsync(p => p.Id == price.ProductId, ct);
            if (product.NeedsShipping)
                await EnsureShipToAsync(db, memberId, sub.Id, addressId, ct);
            var share = ProratedShare(sub, price.Terms, 1, now);
            var error = await ChargeAsync(db, sub, share, $"addon:{sub.Id}:{sub.Version}:{priceId}", $"{product.Name} (rest of this period)", "subscription_update", now, ct);
            if (error is not null)
                throw new DomainException(error);
            sub.AddItem(price, 1, now);
            return $"{product.Name} added; {share.Display()} charged for the rest of this period.";
        }, ct);

    /// <summary>Gives the subscription a shipping address from the member's book when it has none (saved with the add-on).</summary>
    private static async Task EnsureShipToAsync(AppDbContext db, string memberId, Guid subscriptionId, Guid? addressId, CancellationToken ct)
    {
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subscriptionId, ct);
        if (record.ShippingAddress is not null)
            return;
        var address = addressId is { } id ? await db.MemberAddresses.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.MemberId == memberId, ct) : null;
        if (address is null)
            throw new DomainException("A shipping address is needed for physical items: choose one of your addresses (add one under My addresses).");
        var postal = Boxes.AddressBook.ToPostal(address);
        var problems = AddressRules.Validate(postal, await Boxes.ShippingZones.CountriesAsync(db, ct));
        if (problems.Count > 0)
            throw new DomainException(string.Join(" ", problems));
        (record.AddressId, record.ShippingAddress) = (address.Id, Boxes.AddressBook.ToShipping(AddressRules.Normalize(postal)));
    }

    /// <summary>Removes an add-on now; no refund for the rest of the period (it stops at the next renewal).</summary>
    public Task<Outcome> RemoveItemAsync(string memberId, Guid subscriptionId, Guid itemId, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, (db, sub, now) =>
        {
            sub.RemoveItem(itemId, now);
            return Task.FromResult("Removed. It will not be charged at your next renewal.");
        }, ct);

    public Task<Outcome> ChangeQuantityAsync(string memberId, Guid subscriptionId, Guid itemId, int quantity, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            var item = sub.Items.FirstOrDefault(i => i.Id == itemId) ?? throw new DomainException("That item is not on this subscription.");
            QuantityLimit.Ensure(quantity);
            if (quantity > item.Quantity)
            {
                var share = ProratedShare(sub, item.Terms, quantity - item.Quantity, now);
                var error = await ChargeAsync(db, sub, share, $"qty:{sub.Id}:{sub.Version}:{quantity}", "Extra quantity (rest of this period)", "subscription_update", now, ct);
                if (error is not null)
                    throw new DomainException(error);
            }
            sub.ChangeQuantity(itemId, quantity, now);
            return $"Quantity changed to {quantity}.";
        }, ct);

    public Task<Outcome> CancelAsync(string memberId, Guid subscriptionId, string reason, string? feedback, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            if (!CancelReasons.Contains(reason))
                throw new DomainException("Choose a reason for cancelling.");
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
                await gateway.CancelSubscriptionAsync(gid, CancelMode.AtPeriodEnd, $"cancel:{sub.Id}:{sub.Version}", ct);
            sub.ScheduleCancel(reason, now);
            record.CancelFeedback = string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim()[..Math.Min(feedback.Trim().Length, 2000)];
            await notices.QueueAsync(db, NoticeKind.CancellationConfirmed, NoticeQueue.Keys.Cancellation(sub.Id, sub.Version), sub, now, ct: ct);
            return $"Your subscription is cancelled. You keep access until {sub.CurrentPeriodEnd:d MMM yyyy}.";
        }, ct);

    public Task<Outcome> ResumeAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
                await gateway.CancelSubscriptionAsync(gid, CancelMode.UndoAtPeriodEnd, $"uncancel:{sub.Id}:{sub.Version}", ct);
            sub.UndoCancel(now);
            return $"Welcome back! Your subscription renews on {sub.CurrentPeriodEnd:d MMM yyyy}.";
        }, ct);

    public Task<Outcome> ReactivateAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            var priceIds = sub.Items.Select(i => i.PriceId).ToList();
            var prices = await db.Prices.Where(p => priceIds.Contains(p.Id)).ToListAsync(ct);
            if (prices.Any(p => p.IsArchived))
                throw new DomainException("Your old plan is no longer offered; choose a current plan on the pricing page.");
            var total = sub.Items.Aggregate(Money.Zero(sub.Currency), (sum, i) => sum + i.GrossPerPeriod);
            var error = await ChargeAsync(db, sub, total, $"reactivate:{sub.Id}:{sub.Version}", "Reactivation", "subscription_create", now, ct);
            if (error is not null)
                throw new DomainException(error);
            sub.Reactivate(now, prices);
            return "Your subscription is active again.";
        }, ct);

    public Task<Outcome> PauseAsync(string memberId, Guid subscriptionId, int months, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            PauseLimit.Ensure(months, "months");
            var productIds = sub.Items.Select(i => i.ProductId).ToList();
            if (!await db.Products.AnyAsync(p => productIds.Contains(p.Id) && p.AllowPause, ct))
                throw new DomainException("This subscription cannot be paused.");
            var until = sub.CurrentPeriodEnd.AddMonths(months);
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
                await gateway.PauseSubscriptionAsync(gid, until, $"pause:{sub.Id}:{sub.Version}", ct);
            sub.Pause(until, now);
            return $"Paused until {until:d MMM yyyy}. You will not be charged until then.";
        }, ct);

    /// <summary>
    /// The cancel dialog's discount offer, accepted: the Owner's percent off the next months' renewals, once per subscription
    /// and not on top of a discount still running. With Stripe it becomes a repeating coupon on the Stripe subscription
    /// (nothing is recorded if Stripe refuses); the test gateway's renewals take it off themselves.
    /// </summary>
    public Task<Outcome> AcceptSaveDiscountAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            var policy = await settings.GetAsync(ct);
            if (!policy.OffersDiscount)
                throw new DomainException("There is no discount on offer.");
            if (sub.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
                throw new DomainException("Only an active subscription can take the discount.");
            if (await SaveDiscounts.GetAsync(db, sub.Id, ct) is not null)
                throw new DomainException("This subscription has already had the save offer.");
            var next = sub.CurrentPeriodEnd;
            if (sub.Items.Any(i => i.Coupon is { } c && c.AppliesToPeriodStarting(next, sub.TrialEnd ?? sub.StartedAt)))
                throw new DomainException("Your subscription already has a discount running.");
            var offer = new SaveDiscount(policy.SaveOfferPercent, policy.SaveOfferMonths, next);
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            {
                try
                {
                    await gateway.ApplyRepeatingDiscountAsync(gid, offer.Percent, offer.Months, $"save-discount:{sub.Id:N}", ct);
                }
                catch (Exception ex) when (ex is Infrastructure.Payments.Stripe.PaymentGatewayException or HttpRequestException)
                {
                    throw new DomainException($"The discount could not be applied just now, so nothing changed: {ex.Message}");
                }
            }
            SaveDiscounts.Add(db, sub.Id, offer, now);
            return $"Thank you for staying! You get {offer.Describe()}, from your next payment on {next:d MMM yyyy}.";
        }, ct);

    public Task<Outcome> UnpauseAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        MutateAsync(memberId, subscriptionId, async (db, sub, now) =>
        {
            var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
                await gateway.PauseSubscriptionAsync(gid, null, $"unpause:{sub.Id}:{sub.Version}", ct);
            var lapsed = now >= sub.CurrentPeriodEnd;
            sub.Resume(now);
            if (lapsed && !await renewals.CollectAsync(db, sub, now, $"unpause:{sub.Id}:{sub.Version}", "subscription_cycle", ct))
                return "Resumed, but the payment for the new period failed. Update your card to keep access.";
            return "Your subscription is active again.";
        }, ct);

    /// <summary>Test gateway: replaces the card on file and, if a payment is overdue, retries it at once.</summary>
    public async Task<Outcome> UpdateCardAsync(string memberId, string email, CardDetails card, CancellationToken ct = default)
    {
        if (gateway.UsesHostedPages)
            return Outcome.Fail("Cards are updated on Stripe's secure page.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        var customerId = profile?.CustomerId ?? await gateway.EnsureCustomerAsync(new CustomerRequest(memberId, email, null, $"customer:{memberId}"), ct);
        var attached = await gateway.AttachCardAsync(customerId, card, ct);
        if (!attached.Succeeded)
            return Outcome.Fail(attached.FailureMessage ?? "That card could not be used.");
        if (profile is null)
            db.BillingProfiles.Add(profile = new BillingProfile { MemberId = memberId, Gateway = gateway.Name });
        profile.CustomerId = customerId;
        (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear, profile.TestCardToken, profile.UpdatedAt) =
            (attached.Brand, attached.Last4, attached.ExpMonth, attached.ExpYear, attached.Token, now);
        await db.SaveChangesAsync(ct);

        var overdue = await db.Subscriptions.Include(s => s.Items)
            .Where(s => s.MemberId == memberId && (s.Status == SubscriptionStatus.PastDue || s.Status == SubscriptionStatus.Unpaid)).ToListAsync(ct);
        var recovered = 0;
        foreach (var sub in overdue)
            if (await renewals.CollectAsync(db, sub, now, $"card-update:{sub.Id}:{sub.Version}", "subscription_retry", ct))
                recovered++;
        await db.SaveChangesAsync(ct);
        return Outcome.Ok(recovered > 0 ? $"Card updated and your overdue payment went through. Thank you!" : $"Card updated: {attached.Brand} ending {attached.Last4}.");
    }

    /// <summary>Stripe: the customer portal URL for card updates.</summary>
    public async Task<string?> BillingPortalUrlAsync(string memberId, string returnUrl, CancellationToken ct = default)
    {
        if (!gateway.UsesHostedPages)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customerId = await db.BillingProfiles.Where(p => p.MemberId == memberId).Select(p => p.CustomerId).FirstOrDefaultAsync(ct);
        return customerId is null ? null : await gateway.CreateBillingPortalSessionAsync(customerId, returnUrl, ct);
    }

    /// <summary>A change to one of the member's own subscriptions, run as a use case (checked, audited for Owner/Staff, one save).</summary>
    private Task<Outcome> MutateAsync(string memberId, Guid subscriptionId, Func<AppDbContext, Subscription, DateTimeOffset, Task<string>> change, CancellationToken ct) =>
        runner.RunAsync(UseCase.ForMember("member.subscription", memberId), async uc =>
        {
            var sub = await OwnedSubscription.FindAsync(uc.Db, memberId, subscriptionId, ct) ?? throw new UseCaseRefused("Subscription not found.");
            var message = await change(uc.Db, sub, uc.Now);
            uc.AuditSummary = $"Subscription {sub.Id}: {message}";
            return message;
        }, ct);

    /// <summary>Charges the card on file now and records the invoice; returns an error message, or null when paid (or nothing was due).</summary>
    private async Task<string?> ChargeAsync(AppDbContext db, Subscription sub, Money amount, string key, string description, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (amount.Minor <= 0)
            return null;
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == sub.MemberId, ct);
        if (profile?.CustomerId is null)
            return "There is no card on file; add one first.";
        var charge = await gateway.ChargeAsync(new ChargeRequest(profile.CustomerId, profile.TestCardToken, amount, description, key, IsRenewal: false), ct);
        var line = new InvoiceLine(InvoiceLineKind.Subscription, null, description, 1, amount, true);
        var invoice = Ledger.NewInvoice(sub.MemberId, sub.Id, [line], amount, now, now, sub.CurrentPeriodEnd, reason, charge.Succeeded);
        if (!charge.Succeeded)
            return charge.FailureMessage ?? "Your card was declined.";
        db.Invoices.Add(invoice);
        db.Payments.Add(Ledger.Payment(invoice, charge.PaymentId, profile.CardLast4, now));
        await notices.QueueReceiptAsync(db, sub, invoice, now, ct);
        return null;
    }

    private async Task RefundCreditAsync(AppDbContext db, Subscription sub, Money credit, DateTimeOffset now, CancellationToken ct)
    {
        if (credit.Minor <= 0)
            return;
        var last = await db.Payments.Where(p => p.MemberId == sub.MemberId && p.Outcome == PaymentOutcome.Succeeded && p.GatewayPaymentId != null)
            .OrderByDescending(p => p.At).FirstOrDefaultAsync(ct);
        if (last?.GatewayPaymentId is null)
            return;
        var amount = new Money(Math.Min(credit.Minor, last.AmountMinor), credit.Currency);
        var refund = await gateway.RefundAsync(new RefundRequest(last.GatewayPaymentId, amount, $"downgrade-credit:{sub.Id}:{sub.Version}"), ct);
        if (!refund.Succeeded)
            return;
        var row = new Payment
        {
            InvoiceId = last.InvoiceId,
            MemberId = sub.MemberId,
            AmountMinor = -amount.Minor,
            Currency = amount.Currency,
            Outcome = PaymentOutcome.Refunded,
            At = now,
            GatewayPaymentId = refund.RefundId,
            CardLast4 = last.CardLast4,
        };
        db.Payments.Add(row);
        // The refunded invoice says so (its receipt lists the refund), and the member is told once, as for any refund.
        if (await db.Invoices.FirstOrDefaultAsync(i => i.Id == last.InvoiceId, ct) is { } invoice)
        {
            invoice.AmountRefundedMinor += amount.Minor;
            invoice.Status = invoice.AmountRefundedMinor >= invoice.AmountPaidMinor ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;
            var (_, product) = await MainItemAsync(db, sub, ct);
            await notices.QueueRefundAsync(db, invoice, row, now, ct,
                $"This is the unused part of your previous plan. You are now on {product.Name}, which renews on {NoticeQueue.DateText(sub.CurrentPeriodEnd)}.");
        }
    }

    /// <summary>The part of one more unit's price that covers the rest of the current period.</summary>
    private static Money ProratedShare(Subscription sub, PriceTerms terms, int extraUnits, DateTimeOffset now)
    {
        if (sub.Status == SubscriptionStatus.Trialing)
            return Money.Zero(terms.Currency);
        // Going from n to n + extra units of the same price: the proration of the extra units only.
        var preview = Proration.ForUpgrade(terms, terms, 1, 1 + extraUnits, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now);
        return preview.AmountDueNow;
    }

    private static async Task<(SubscriptionItem Item, Product Product)> MainItemAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        var productIds = sub.Items.Select(i => i.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToListAsync(ct);
        var main = sub.Items.Select(i => (Item: i, Product: products.First(p => p.Id == i.ProductId)))
            .OrderBy(x => x.Product.Kind == ProductKind.AddOn ? 1 : 0).First();
        return main;
    }

    private static ItemView ToItemView(SubscriptionItem i, Product? p) =>
        new(i.Id, i.ProductId, i.PriceId, p?.Name ?? "Removed product", p?.Kind ?? ProductKind.Membership, p?.Rank ?? 0, i.Terms, i.Quantity, i.CouponCode);
}
