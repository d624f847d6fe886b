using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// A member's own billing, read: what they have and what they can change it to. Every method takes the member id from
/// the signed-in user (never from the request) and only reads that member's subscriptions. The changes are use cases in
/// <c>Billing/UseCases</c>, one file each.
/// </summary>
public sealed class BillingService(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, BillingSettings settings, RenewalRun renewals, TimeProvider clock)
{
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
        var (item, product) = await BillingSteps.MainItemAsync(db, sub, ct);
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
        var (item, _) = await BillingSteps.MainItemAsync(db, sub, ct);
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

    /// <summary>Add-ons the subscription can take, on its cadence and currency.</summary>
    public async Task<IReadOnlyList<CheckoutOption>> AvailableAddOnsAsync(string memberId, Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        if (sub is null)
            return [];
        var (item, product) = await BillingSteps.MainItemAsync(db, sub, ct);
        var owned = sub.Items.Select(i => i.ProductId).ToHashSet();
        var addOns = (await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.AddOn && p.IsVisible && p.AddOnBilling == AddOnBilling.Recurring).ToListAsync(ct))
            .Where(p => !owned.Contains(p.Id) && (p.AttachableTo.Count == 0 || p.AttachableTo.Contains(product.Id))).ToList();
        var ids = addOns.Select(a => a.Id).ToList();
        var prices = await db.Prices.AsNoTracking().Where(p => ids.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct);
        return addOns.Select(a => (a, prices.FirstOrDefault(p => p.ProductId == a.Id && p.Terms.HasSameCadenceAs(item.Terms) && p.Terms.Currency == item.Terms.Currency)))
            .Where(x => x.Item2 is not null)
            .Select(x => new CheckoutOption(x.Item2!.Id, x.a.Id, x.a.Name, x.a.Kind, x.Item2.Terms, x.a.NeedsShipping)).ToList();
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

    private static ItemView ToItemView(SubscriptionItem i, Product? p) =>
        new(i.Id, i.ProductId, i.PriceId, p?.Name ?? "Removed product", p?.Kind ?? ProductKind.Membership, p?.Rank ?? 0, i.Terms, i.Quantity, i.CouponCode);
}
