using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// Checkout on the portal's own page (test gateway): price the choice, attach the card, charge the first invoice,
/// then write the subscription, invoice, payment and billing profile in one transaction. A decline writes nothing.
/// </summary>
public sealed class CheckoutService(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, TimeProvider clock, NoticeQueue notices, ILogger<CheckoutService> logger,
    Shared.BusinessTimeZone businessZone)
{
    public async Task<CheckoutOffer?> GetPageAsync(Guid priceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var price = await db.Prices.AsNoTracking().FirstOrDefaultAsync(p => p.Id == priceId, ct);
        if (price is null || price.IsArchived)
            return null;
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == price.ProductId && p.IsVisible, ct);
        if (product is null || product.Kind == ProductKind.AddOn)
            return null;

        var addOnProducts = (await db.Products.AsNoTracking()
                .Where(p => p.Kind == ProductKind.AddOn && p.IsVisible && p.AddOnBilling == AddOnBilling.Recurring).ToListAsync(ct))
            .Where(p => p.AttachableTo.Count == 0 || p.AttachableTo.Contains(product.Id)).ToList();
        var addOnIds = addOnProducts.Select(p => p.Id).ToList();
        var addOnPrices = await db.Prices.AsNoTracking().Where(p => addOnIds.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct);
        // An add-on renews with the plan, so only its price on the same cadence and currency is offered.
        var addOns = addOnProducts
            .Select(p => (Product: p, Price: addOnPrices.FirstOrDefault(x => x.ProductId == p.Id && x.Terms.HasSameCadenceAs(price.Terms) && x.Terms.Currency == price.Terms.Currency)))
            .Where(x => x.Price is not null)
            .Select(x => new CheckoutOption(x.Price!.Id, x.Product.Id, x.Product.Name, x.Product.Kind, x.Price.Terms, x.Product.NeedsShipping))
            .ToList();
        var oneTimeProducts = (await db.Products.AsNoTracking()
                .Where(p => p.Kind == ProductKind.AddOn && p.IsVisible && p.AddOnBilling == AddOnBilling.OneTime).ToListAsync(ct))
            .Where(p => p.AttachableTo.Count == 0 || p.AttachableTo.Contains(product.Id)).ToList();
        var oneTimeIds = oneTimeProducts.Select(p => p.Id).ToList();
        var oneTimePrices = await db.Prices.AsNoTracking().Where(p => oneTimeIds.Contains(p.ProductId) && !p.IsArchived).ToListAsync(ct);
        var oneTime = oneTimeProducts
            .Select(p => (Product: p, Price: oneTimePrices.Where(x => x.ProductId == p.Id && x.Terms.Currency == price.Terms.Currency).OrderBy(x => x.Terms.Amount.Minor).FirstOrDefault()))
            .Where(x => x.Price is not null)
            .Select(x => new CheckoutOption(x.Price!.Id, x.Product.Id, x.Product.Name, x.Product.Kind, x.Price.Terms, x.Product.NeedsShipping))
            .ToList();
        return new CheckoutOffer(new CheckoutOption(price.Id, product.Id, product.Name, product.Kind, price.Terms, product.NeedsShipping), product.DescriptionMarkdown,
            product.Features, product.NeedsShipping, product.Kind == ProductKind.Box, addOns) with
        { OneTime = oneTime, FirstBox = product.Kind == ProductKind.Box ? await FirstBoxAsync(product, ct) : null };
    }

    /// <summary>For a box's product page: which month's box an order placed now brings first; null for anything else.</summary>
    public async Task<string?> FirstBoxAsync(Guid productId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct);
        return product is { Kind: ProductKind.Box } ? await FirstBoxAsync(product, ct) : null;
    }

    /// <summary>"Your first box is the December 2026 box, shipping around 15 December." (the cycle still open now).</summary>
    private async Task<string> FirstBoxAsync(Product box, CancellationToken ct)
    {
        var schedule = ShipmentService.Schedule(box, await businessZone.GetAsync(ct));
        var cycle = schedule.CycleFor(clock.GetUtcNow());
        var month = new DateTime(cycle.Year, cycle.Month, 1).ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return $"Your first box is the {month} box, shipping around {schedule.ShipDateOf(cycle).ToString("d MMMM", System.Globalization.CultureInfo.InvariantCulture)}.";
    }

    /// <summary>Prices a choice as it would be charged now; an unusable coupon is reported and left out.</summary>
    public async Task<CheckoutQuote> QuoteAsync(CheckoutChoice choice, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var (items, products) = await LoadItemsAsync(db, choice, ct);
        var (coupon, couponError) = await FindCouponAsync(db, choice.CouponCode, items, now, ct);
        var oneTime = await LoadOneTimeAsync(db, choice, products[0], items[0].Price.Terms.Currency, ct);
        var invoice = WithOneTime(InvoiceCalculator.ForCheckout(items, now, coupon), oneTime);
        if ((products.Any(p => p.NeedsShipping) || oneTime.Any(o => o.Product.NeedsShipping)) && choice.Shipping is { } to)
            invoice = await WithShippingAsync(db, invoice, AddressRules.Normalize(ToPostal(to)).Country, products.Any(p => p.NeedsShipping), ct);
        return new CheckoutQuote(invoice, couponError, coupon is not null);
    }

    /// <summary>The countries the checkout's address form offers (the Owner's, or every one the address rules know).</summary>
    public async Task<IReadOnlyList<string>> ShippingCountriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ShippingZones.CountriesAsync(db, ct) is { } set ? [.. AddressRules.SupportedCountries.Where(set.Contains)] : AddressRules.SupportedCountries;
    }

    /// <summary>Adds the country's zone rate per parcel: today when today's charge pays the first period, else with the first charge after the trial.</summary>
    /// <param name="recurring">Whether the plan's own items ship (each renewal then pays a parcel too); false when only one-time products ship, charged today.</param>
    private static async Task<FirstInvoice> WithShippingAsync(AppDbContext db, FirstInvoice invoice, string country, bool recurring, CancellationToken ct)
    {
        var chargedNow = invoice.TrialEndsAt is null || !recurring;
        // The goods a free-shipping threshold is measured against: what the items cost each period, after recurring discounts.
        if (await ShippingZones.LineAsync(db, country, invoice.RecurringAmount, chargedNow, ct) is not { } line)
            return invoice;
        return invoice with
        {
            Lines = [.. invoice.Lines, line],
            FirstCharge = chargedNow ? invoice.FirstCharge + line.Amount : invoice.FirstCharge,
            RecurringAmount = recurring ? invoice.RecurringAmount + line.Amount : invoice.RecurringAmount,
        };
    }

    public async Task<CheckoutOutcome> CheckoutAsync(string memberId, string email, CheckoutChoice choice, CardDetails card, CancellationToken ct = default)
    {
        if (gateway.UsesHostedPages)
            return CheckoutOutcome.Fail("This portal takes payments on Stripe's checkout page.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        List<NewSubscriptionItem> items;
        List<Product> products;
        Coupon? coupon;
        FirstInvoice invoice;
        List<(CatalogPrice Price, Product Product)> oneTime;
        try
        {
            (items, products) = await LoadItemsAsync(db, choice, ct);
            string? couponError;
            (coupon, couponError) = await FindCouponAsync(db, choice.CouponCode, items, now, ct);
            if (couponError is not null)
                return CheckoutOutcome.Fail(couponError);
            oneTime = await LoadOneTimeAsync(db, choice, products[0], items[0].Price.Terms.Currency, ct);
            invoice = WithOneTime(InvoiceCalculator.ForCheckout(items, now, coupon), oneTime);
        }
        catch (DomainException ex)
        {
            return CheckoutOutcome.Fail(ex.Message);
        }

        PostalAddress? address = null;
        if (products.Any(p => p.NeedsShipping) || oneTime.Any(o => o.Product.NeedsShipping))
        {
            if (choice.Shipping is null)
                return CheckoutOutcome.Fail("A shipping address is needed for physical items.");
            var problems = AddressRules.Validate(ToPostal(choice.Shipping), await ShippingZones.CountriesAsync(db, ct));
            if (problems.Count > 0)
                return CheckoutOutcome.Fail(string.Join(" ", problems));
            address = AddressRules.Normalize(ToPostal(choice.Shipping));
            invoice = await WithShippingAsync(db, invoice, address.Country, products.Any(p => p.NeedsShipping), ct);
        }

        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        var customerId = profile?.CustomerId
            ?? await gateway.EnsureCustomerAsync(new CustomerRequest(memberId, email, null, $"customer:{memberId}"), ct);
        var attached = await gateway.AttachCardAsync(customerId, card, ct);
        if (!attached.Succeeded)
            return CheckoutOutcome.Fail(attached.FailureMessage ?? "Your card was declined.");

        string? paymentId = null;
        if (invoice.FirstCharge.Minor > 0)
        {
            var charge = await gateway.ChargeAsync(new ChargeRequest(customerId, attached.Token, invoice.FirstCharge,
                $"{products[0].Name} subscription", $"checkout:{memberId}:{choice.AttemptId}", IsRenewal: false), ct);
            if (!charge.Succeeded)
                return CheckoutOutcome.Fail(charge.FailureMessage ?? "Your card was declined.");
            paymentId = charge.PaymentId;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var subscription = Subscription.Start(memberId, items, now, paymentConfirmed: true, coupon);
        db.Subscriptions.Add(subscription);
        coupon?.Redeem();
        db.SubscriptionRecords.Add(new SubscriptionRecord
        {
            SubscriptionId = subscription.Id,
            Gateway = gateway.Name,
            CouponCode = coupon?.Code,
            ShippingAddress = address is null ? null : AddressBook.ToShipping(address),
            AddressId = address is null ? null : (await AddressBook.FindOrAddAsync(db, memberId, address, now, ct)).Id,
        });
        if (profile is null)
        {
            profile = new BillingProfile { MemberId = memberId, Gateway = gateway.Name };
            db.BillingProfiles.Add(profile);
        }
        profile.CustomerId = customerId;
        profile.CardBrand = attached.Brand;
        profile.CardLast4 = attached.Last4;
        profile.CardExpMonth = attached.ExpMonth;
        profile.CardExpYear = attached.ExpYear;
        profile.TestCardToken = attached.Token;
        profile.UpdatedAt = now;

        Guid? invoiceId = null;
        if (invoice.FirstCharge.Minor > 0 || invoice.TrialEndsAt is null)
        {
            var record = Ledger.PaidInvoice(memberId, subscription.Id, invoice.Lines.Where(l => l.ChargedNow), invoice.FirstCharge, now,
                subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd, "subscription_create");
            db.Invoices.Add(record);
            db.Payments.Add(Ledger.Payment(record, paymentId, attached.Last4, now));
            await notices.QueueReceiptAsync(db, subscription, record, now, ct);
            invoiceId = record.Id;
        }
        OneTimeGoodsRecords.Add(db, await businessZone.GetAsync(ct), subscription, products,
            oneTime.Select(o => new OneTimeGoodsRecords.Sold(o.Price, o.Product, 1, o.Price.Terms.Amount.Minor)), invoiceId, paymentId, now);
        await notices.QueueAsync(db, NoticeKind.Welcome, NoticeQueue.Keys.Welcome(subscription.MemberId), subscription, now, ct: ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // The card was charged but nothing could be recorded: refund so the member is not charged for nothing.
            logger.LogError(ex, "Checkout for {Member} could not be saved; refunding {Payment}.", memberId, paymentId);
            if (paymentId is not null)
                await gateway.RefundAsync(new RefundRequest(paymentId, invoice.FirstCharge, $"refund:checkout:{choice.AttemptId}"), CancellationToken.None);
            return CheckoutOutcome.Fail("Something went wrong while saving your subscription; you have not been charged. Please try again.");
        }
        return new CheckoutOutcome(true, null, subscription.Id);
    }

    /// <summary>The one-time products chosen with the plan: visible one-time add-ons attachable to it, priced in its currency.</summary>
    internal static async Task<List<(CatalogPrice Price, Product Product)>> LoadOneTimeAsync(AppDbContext db, CheckoutChoice choice, Product main, string currency,
        CancellationToken ct)
    {
        var ids = choice.OneTimePriceIds.Distinct().ToList();
        if (ids.Count == 0)
            return [];
        var prices = await db.Prices.AsNoTracking().Where(p => ids.Contains(p.Id) && !p.IsArchived).ToListAsync(ct);
        var productIds = prices.Select(p => p.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id) && p.IsVisible).ToDictionaryAsync(p => p.Id, ct);
        if (prices.Count != ids.Count || prices.Any(p => !products.ContainsKey(p.ProductId)))
            throw new DomainException("One of the chosen products is not for sale.");
        foreach (var price in prices)
        {
            var product = products[price.ProductId];
            if (product is not { Kind: ProductKind.AddOn, AddOnBilling: AddOnBilling.OneTime } || (product.AttachableTo.Count > 0 && !product.AttachableTo.Contains(main.Id)))
                throw new DomainException($"{product.Name} cannot be bought with {main.Name}.");
            if (price.Terms.Currency != currency)
                throw new DomainException($"{product.Name} is not sold in {currency}.");
        }
        return [.. prices.Select(p => (p, products[p.ProductId]))];
    }

    /// <summary>One-time products are charged today, once, whatever the trial; they never recur.</summary>
    private static FirstInvoice WithOneTime(FirstInvoice invoice, List<(CatalogPrice Price, Product Product)> oneTime) =>
        oneTime.Count == 0 ? invoice : invoice with
        {
            Lines = [.. invoice.Lines, .. oneTime.Select(o => new InvoiceLine(InvoiceLineKind.Subscription, o.Product.Id, $"{o.Product.Name} (one-time)", 1, o.Price.Terms.Amount, true))],
            FirstCharge = oneTime.Aggregate(invoice.FirstCharge, (sum, o) => sum + o.Price.Terms.Amount),
        };

    internal static async Task<(List<NewSubscriptionItem> Items, List<Product> Products)> LoadItemsAsync(AppDbContext db, CheckoutChoice choice, CancellationToken ct)
    {
        var ids = new List<Guid> { choice.PriceId };
        ids.AddRange(choice.AddOnPriceIds.Distinct().Where(id => id != choice.PriceId));
        var prices = await db.Prices.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        if (prices.Count != ids.Count)
            throw new DomainException("One of the chosen prices no longer exists.");
        var productIds = prices.Select(p => p.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id) && p.IsVisible).ToListAsync(ct);
        if (products.Count != productIds.Distinct().Count())
            throw new DomainException("One of the chosen products is not for sale.");

        var main = prices.Single(p => p.Id == choice.PriceId);
        var mainProduct = products.Single(p => p.Id == main.ProductId);
        if (mainProduct.Kind == ProductKind.AddOn)
            throw new DomainException("An add-on needs a plan to be added to.");
        foreach (var addOn in prices.Where(p => p.Id != main.Id))
        {
            var product = products.Single(p => p.Id == addOn.ProductId);
            if (product.Kind != ProductKind.AddOn || product.AddOnBilling != AddOnBilling.Recurring ||
                (product.AttachableTo.Count > 0 && !product.AttachableTo.Contains(mainProduct.Id)))
                throw new DomainException($"{product.Name} cannot be added to {mainProduct.Name}.");
            // Checked here, before any charge: an add-on renews with its plan (a kit on a yearly plan is priced yearly).
            if (!addOn.Terms.HasSameCadenceAs(main.Terms) || addOn.Terms.Currency != main.Terms.Currency)
                throw new DomainException($"{product.Name} renews with {mainProduct.Name}: choose its price on the same billing interval and currency.");
        }
        var quantity = mainProduct.Kind == ProductKind.Box ? choice.Quantity : 1;
        QuantityLimit.Ensure(quantity);

        var items = new List<NewSubscriptionItem> { new(main, quantity) };
        items.AddRange(prices.Where(p => p.Id != main.Id).Select(p => new NewSubscriptionItem(p)));
        return (items, [mainProduct, .. products.Where(p => p.Id != mainProduct.Id)]);
    }

    internal static async Task<(Coupon? Coupon, string? Error)> FindCouponAsync(
        AppDbContext db, string? code, IReadOnlyList<NewSubscriptionItem> items, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
            return (null, null);
        string normalized;
        try
        { normalized = CouponTerms.NormalizeCode(code); }
        catch (DomainException) { return (null, $"The coupon code {code.Trim()} is not valid."); }
        var coupon = await db.Coupons.FirstOrDefaultAsync(c => EF.Property<string>(c, "NormalizedCode") == normalized, ct);
        if (coupon is null)
            return (null, $"The coupon code {normalized} is not valid.");
        var checks = items.Select(i => coupon.CanApply(i.Price.ProductId, now)).ToList();
        return checks.Any(c => c.IsValid) ? (coupon, null) : (null, checks[0].Reason ?? $"The coupon {normalized} cannot be used here.");
    }

    private static PostalAddress ToPostal(AddressInput a) => new(a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
}
