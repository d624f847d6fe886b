using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

public sealed record CatalogSyncReport(int Products, int PricesCreated, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Copies the catalog to the gateway (Stripe): one gateway product per product, one gateway price per active price
/// (recurring, or one-time for a one-time product), ids stored on our rows (<see cref="Product.StripeProductId"/>, the price's StripePriceId). Archived
/// prices keep the gateway price they have (grandfathered subscribers use it) and get none if they never had one.
/// Safe to repeat: calls carry idempotency keys and stored ids are reused. Each product's ids are saved as soon as
/// Stripe returns them, so a failure part-way leaves every synced product correctly mapped.
/// </summary>
public sealed class StripeCatalogSync(IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, AuditLog audit, CurrentActor actor, ILogger<StripeCatalogSync> logger)
{
    public const string PriceIdColumn = "StripePriceId";

    public bool Available => gateway.UsesHostedPages;

    public async Task<CatalogSyncReport> SyncAsync(IReadOnlyCollection<Guid>? onlyProducts = null, CancellationToken ct = default)
    {
        if (!Available)
            return new CatalogSyncReport(0, 0, ["The portal uses the built-in test gateway; there is nothing to sync."]);
        var who = await actor.GetAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await db.Products.Where(p => onlyProducts == null || onlyProducts.Contains(p.Id)).OrderBy(p => p.Name).ToListAsync(ct);
        var productIds = products.Select(p => p.Id).ToList();
        var prices = await db.Prices.Where(p => productIds.Contains(p.ProductId)).ToListAsync(ct);
        var errors = new List<string>();
        var created = 0;
        foreach (var product in products)
        {
            var lines = prices.Where(p => p.ProductId == product.Id)
                .Select(p => (Price: p, GatewayId: db.Entry(p).Property<string?>(PriceIdColumn).CurrentValue))
                .Where(x => !x.Price.IsArchived || x.GatewayId is not null)
                .Select(x => new PriceSyncLine(x.Price.Id, x.GatewayId, x.Price.Terms.Amount.Minor, x.Price.Terms.Amount.Currency,
                    x.Price.Terms.Interval.ToString().ToLowerInvariant(), x.Price.Terms.IntervalCount, x.Price.Terms.TrialDays,
                    OneTime: product is { Kind: Domain.Catalog.ProductKind.AddOn, AddOnBilling: Domain.Catalog.AddOnBilling.OneTime }))
                .ToList();
            try
            {
                var result = await gateway.SyncProductAsync(new ProductSyncRequest(product.Id, product.StripeProductId, product.Name,
                    product.DescriptionMarkdown, lines), ct);
                var before = product.StripeProductId;
                product.StripeProductId = result.GatewayProductId;
                foreach (var (priceId, gatewayPriceId) in result.GatewayPriceIds)
                {
                    var entry = db.Entry(prices.Single(p => p.Id == priceId)).Property<string?>(PriceIdColumn);
                    if (entry.CurrentValue != gatewayPriceId)
                    { entry.CurrentValue = gatewayPriceId; created++; }
                }
                if (db.ChangeTracker.HasChanges())
                    audit.Add(db, who, "catalog.stripe-sync", $"Synced {product.Name} to Stripe", "product", product.Id.ToString(), before, product.StripeProductId);
                await db.SaveChangesAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Stripe sync of product {Product} failed.", product.Id);
                errors.Add($"{product.Name}: {ex.Message}");
            }
        }
        return new CatalogSyncReport(products.Count, created, errors);
    }
}

/// <summary>
/// Checkout on Stripe's hosted page: the member's choice becomes a Checkout Session in subscription mode. One-time products
/// chosen with the plan are one-time prices on it, which Stripe bills on the first invoice only; the webhook recording
/// that paid invoice records them for fulfilment (<see cref="StripeOneTimeGoods"/>), as the test gateway's checkout does.
/// </summary>
public sealed class StripeCheckout(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, StripeCatalogSync sync, Notifications.PortalLinks links, TimeProvider clock,
    ILogger<StripeCheckout> logger)
{
    public bool Enabled => gateway.UsesHostedPages;

    /// <summary>The Stripe page to send the member to, or a message saying why not.</summary>
    public async Task<(string? Url, string? Error)> StartAsync(string memberId, string email, CheckoutChoice choice, CancellationToken ct = default)
    {
        if (!Enabled)
            return (null, "Card payments are taken on this page with the test gateway.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        List<Domain.Billing.NewSubscriptionItem> items;
        List<Product> products;
        List<(Domain.Catalog.CatalogPrice Price, Product Product)> oneTime;
        try
        {
            (items, products) = await CheckoutService.LoadItemsAsync(db, choice, ct);
            oneTime = await CheckoutService.LoadOneTimeAsync(db, choice, products[0], items[0].Price.Terms.Currency, ct);
        }
        catch (DomainException ex)
        {
            return (null, ex.Message);
        }

        // The portal checks the code (expiry, redemption limit, products) exactly as on the test gateway, then hands
        // Stripe a coupon with the same terms; Stripe's page shows the discount and its invoices carry it.
        var (coupon, couponError) = await CheckoutService.FindCouponAsync(db, choice.CouponCode, items, clock.GetUtcNow(), ct);
        if (couponError is not null)
            return (null, couponError);

        List<Guid> priceIds = [.. items.Select(i => i.Price.Id), .. oneTime.Select(o => o.Price.Id)];
        var mapped = await GatewayPriceIdsAsync(db, priceIds, ct);
        // One-time products are synced on every such checkout: a price synced by an earlier version is a recurring Stripe
        // price, which Checkout would turn into a subscription item billed every period; the sync replaces it once.
        if (mapped.Count < priceIds.Count || oneTime.Count > 0)
        {
            // A product added or repriced since the last sync: sync just those products, then read the ids again.
            var report = await sync.SyncAsync([.. products.Select(p => p.Id), .. oneTime.Select(o => o.Product.Id)], ct);
            if (!report.Succeeded)
                return (null, "Payments are not set up for this plan yet. Please try again later.");
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            mapped = await GatewayPriceIdsAsync(fresh, priceIds, ct);
            if (mapped.Count < priceIds.Count)
                return (null, "Payments are not set up for this plan yet. Please try again later.");
        }

        // Setup fees go on the first invoice once per item (never discounted); a box ships at its country's rate on every
        // payment, as on the test gateway (CheckoutService quotes the same lines).
        var main = items[0].Price.Terms;
        List<CheckoutOneTimeLine> firstInvoiceLines = [.. items.Where(i => i.Price.Terms.SetupFee is { Minor: > 0 }).Select(i => new CheckoutOneTimeLine(i.Price.Terms.SetupFee!.Value))];
        // As on the test gateway: the plan's own mailed items pay a parcel with every payment; mailed one-time products
        // alone pay one parcel, once, on the first invoice.
        var planShips = products.Any(p => p.NeedsShipping);
        var needsShipping = planShips || oneTime.Any(o => o.Product.NeedsShipping);
        // The member picks the country here (the rate depends on it) and Stripe's page then takes an address in that country.
        var shipTo = needsShipping && choice.Shipping?.Country?.Trim().ToUpperInvariant() is { Length: 2 } chosen
            && Domain.Shipping.AddressRules.SupportedCountries.Contains(chosen) ? chosen : null;
        CheckoutShippingLine? shippingLine = null;
        if (needsShipping && await Boxes.ShippingZones.CountriesAsync(db, ct) is { } countries)
        {
            if (shipTo is null || !countries.Contains(shipTo))
                return (null, "Choose a country we ship to.");
            var goods = items.Where(i => i.Price.Terms.Currency == main.Currency).Aggregate(Money.Zero(main.Currency), (sum, i) => sum + i.Price.Terms.Amount * i.Quantity);
            if (await Boxes.ShippingZones.LineAsync(db, shipTo, goods, chargedNow: true, ct) is { } rate)
            {
                if (planShips)
                    shippingLine = new CheckoutShippingLine(rate.Amount, main.Interval.ToString().ToLowerInvariant(), main.IntervalCount);
                else
                    firstInvoiceLines.Add(new CheckoutOneTimeLine(rate.Amount, Shipping: true));
            }
        }

        string? gatewayCoupon = null;
        if (coupon is not null)
        {
            try
            {
                gatewayCoupon = await gateway.EnsureCouponAsync(
                    await CouponRequestAsync(db, coupon, firstInvoiceLines.Count > 0 || shippingLine is not null || oneTime.Count > 0, ct), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Stripe coupon for {Coupon} could not be created.", coupon.Code);
                return (null, $"The coupon {coupon.Code} could not be applied just now. Please try again in a moment, or continue without it.");
            }
        }

        var customerId = await db.BillingProfiles.Where(p => p.MemberId == memberId).Select(p => p.CustomerId).FirstOrDefaultAsync(ct)
            ?? await gateway.EnsureCustomerAsync(new CustomerRequest(memberId, email, null, $"customer:{memberId}"), ct);
        // Stripe sends the member back to the public address, never to the host a request named.
        var root = links.Base;
        var request = new CheckoutSessionRequest(memberId, customerId,
            [.. items.Select(i => new CheckoutLine(mapped[i.Price.Id], i.Quantity)), .. oneTime.Select(o => new CheckoutLine(mapped[o.Price.Id], 1))], gatewayCoupon, items[0].Price.Terms.TrialDays,
            needsShipping,
            $"{root}/account/billing?welcome=true", $"{root}/checkout?price={choice.PriceId}", $"checkout-session:{memberId}:{choice.AttemptId}",
            coupon?.Code, firstInvoiceLines, shippingLine, shipTo);
        try
        {
            return (await gateway.CreateCheckoutSessionAsync(request, ct), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Stripe checkout session for member {Member} failed.", memberId);
            return (null, "The payment page could not be opened. Please try again in a moment.");
        }
    }

    /// <summary>
    /// The coupon's terms for Stripe; a restriction names the Stripe products of the synced products it covers. With setup
    /// fees, shipping or one-time products on the session an unrestricted coupon is restricted to every synced catalog
    /// product that recurs: Stripe would otherwise discount those lines too, and the portal's coupons reduce the
    /// subscription price only (one-time products are never discounted, as on the test gateway).
    /// </summary>
    private static async Task<CouponSyncRequest> CouponRequestAsync(AppDbContext db, Domain.Catalog.Coupon coupon, bool hasExtraLines, CancellationToken ct)
    {
        var restricted = coupon.ProductIds.ToList();
        var recurring = db.Products.AsNoTracking().Where(p => p.StripeProductId != null
            && !(p.Kind == Domain.Catalog.ProductKind.AddOn && p.AddOnBilling == Domain.Catalog.AddOnBilling.OneTime));
        var gatewayProducts = restricted.Count > 0
            ? (await recurring.Where(p => restricted.Contains(p.Id)).Select(p => p.StripeProductId).ToListAsync(ct)).OfType<string>().ToList()
            : hasExtraLines
            ? (await recurring.Select(p => p.StripeProductId).ToListAsync(ct)).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        // Never widen a restricted coupon to every product: the checkout's own products were synced just before.
        if (restricted.Count > 0 && gatewayProducts.Count == 0)
            throw new InvalidOperationException($"None of the products coupon {coupon.Code} is restricted to is synced to Stripe.");
        return new CouponSyncRequest(coupon.Id, coupon.Code, coupon.PercentOff, coupon.AmountOff?.Minor, coupon.AmountOff?.Currency,
            coupon.Duration.ToString().ToLowerInvariant(), coupon.DurationInMonths, coupon.ExpiresAt, gatewayProducts);
    }

    private static async Task<Dictionary<Guid, string>> GatewayPriceIdsAsync(AppDbContext db, List<Guid> priceIds, CancellationToken ct) =>
        (await db.Prices.AsNoTracking().Where(p => priceIds.Contains(p.Id))
            .Select(p => new { p.Id, Gateway = EF.Property<string?>(p, StripeCatalogSync.PriceIdColumn) }).ToListAsync(ct))
        .Where(x => x.Gateway != null).ToDictionary(x => x.Id, x => x.Gateway!);
}
