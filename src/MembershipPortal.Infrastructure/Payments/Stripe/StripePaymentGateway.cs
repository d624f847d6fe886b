using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Stripe;
using BillingPortalSessionCreateOptions = Stripe.BillingPortal.SessionCreateOptions;
using CheckoutSessionCreateOptions = Stripe.Checkout.SessionCreateOptions;
using CheckoutSessionDiscountOptions = Stripe.Checkout.SessionDiscountOptions;
using CheckoutSessionLineItemOptions = Stripe.Checkout.SessionLineItemOptions;
using CheckoutSessionLineItemPriceDataOptions = Stripe.Checkout.SessionLineItemPriceDataOptions;
using CheckoutSessionLineItemPriceDataRecurringOptions = Stripe.Checkout.SessionLineItemPriceDataRecurringOptions;
using CheckoutShippingAddressCollectionOptions = Stripe.Checkout.SessionShippingAddressCollectionOptions;
using CheckoutSubscriptionDataOptions = Stripe.Checkout.SessionSubscriptionDataOptions;

namespace MembershipPortal.Infrastructure.Payments.Stripe;

/// <summary>
/// The Stripe adapter: the only class that calls Stripe's API. Stripe is the billing engine here (it renews,
/// retries and collects cards on its hosted pages); the local ledger follows its webhooks.
/// Every POST carries a deterministic idempotency key: Stripe.net would otherwise add a random one, so a retry by
/// our code, a restart or a double click would create a second object.
/// </summary>
public sealed class StripePaymentGateway(StripeClient client, TimeProvider clock, IOptions<StripeCheckoutOptions> checkoutOptions) : IPaymentGateway
{
    /// <summary>The metadata key linking Stripe customers and subscriptions back to the portal's member.</summary>
    public const string MemberIdKey = "member_id";

    /// <summary>Subscription metadata naming the portal coupon the checkout used, so the local ledger applies the same terms.</summary>
    public const string CouponCodeKey = "coupon_code";

    /// <summary>
    /// The Stripe product every shipping line is billed under (a fixed id, created on first use): webhooks recognise the
    /// subscription's shipping item by it and leave it out of the catalog items.
    /// </summary>
    public const string ShippingProductId = "mp_shipping";

    /// <summary>The Stripe product setup fees are billed under, so a coupon restricted to the catalog's products never discounts them.</summary>
    public const string SetupFeeProductId = "mp_setup_fee";

    /// <summary>The gateway name stored on the billing profiles and subscription records Stripe bills.</summary>
    public const string GatewayName = "Stripe";

    public string Name => GatewayName;

    public bool UsesHostedPages => true;

    public async Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken ct = default)
    {
        var options = new CustomerCreateOptions
        {
            Email = request.Email,
            Name = request.Name,
            Metadata = new Dictionary<string, string> { [MemberIdKey] = request.MemberId },
        };
        var customer = await Call(() => client.V1.Customers.CreateAsync(options, Key(request.IdempotencyKey), ct));
        return customer.Id;
    }

    public Task<CardResult> AttachCardAsync(string customerId, CardDetails card, CancellationToken ct = default) =>
        throw new NotSupportedException(
            "Stripe collects cards on its own pages: start a Checkout Session (CreateCheckoutSessionAsync) or send the member "
            + "to the billing portal (CreateBillingPortalSessionAsync). Card numbers must never reach the portal.");

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct = default)
    {
        if (request.Amount.Minor <= 0)
            return new ChargeResult(true, null, null, null);
        try
        {
            var paymentMethod = request.CardToken;
            if (string.IsNullOrWhiteSpace(paymentMethod))
            {
                var customer = await client.V1.Customers.GetAsync(request.CustomerId, cancellationToken: ct);
                paymentMethod = customer.InvoiceSettings?.DefaultPaymentMethodId;
                if (string.IsNullOrWhiteSpace(paymentMethod))
                    return ChargeResult.Declined("no_payment_method", "There is no card on file.");
            }

            var intent = await client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = request.Amount.Minor,
                Currency = request.Amount.Currency.ToLowerInvariant(),
                Customer = request.CustomerId,
                PaymentMethod = paymentMethod,
                Description = request.Description,
                OffSession = true,
                Confirm = true,
            }, Key(request.IdempotencyKey), ct);

            return intent.Status == "succeeded"
                ? new ChargeResult(true, intent.Id, null, null)
                : new ChargeResult(false, intent.Id, intent.LastPaymentError?.Code ?? intent.Status,
                    intent.LastPaymentError?.Message ?? $"The payment is {intent.Status.Replace('_', ' ')}.");
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            return new ChargeResult(false, ex.StripeError?.PaymentIntent?.Id, code, message);
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct = default)
    {
        if (request.Amount.Minor <= 0)
            return new RefundResult(false, null, "A refund must be positive.");
        var options = new RefundCreateOptions { Amount = request.Amount.Minor };
        if (request.PaymentId.StartsWith("pi_", StringComparison.Ordinal))
            options.PaymentIntent = request.PaymentId;
        else
            options.Charge = request.PaymentId;
        try
        {
            var refund = await client.V1.Refunds.CreateAsync(options, Key(request.IdempotencyKey), ct);
            return refund.Status is "failed" or "canceled"
                ? new RefundResult(false, refund.Id, $"The refund {refund.Status}: {refund.FailureReason ?? "no reason given"}.")
                : new RefundResult(true, refund.Id, null);
        }
        catch (StripeException ex)
        {
            return new RefundResult(false, null, Failure(ex).Message);
        }
    }

    public async Task<string> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken ct = default)
    {
        if (request.Lines.Count == 0)
            throw new ArgumentException("A checkout needs at least one line.", nameof(request));
        var memberMetadata = new Dictionary<string, string> { [MemberIdKey] = request.MemberId };
        var subscriptionMetadata = new Dictionary<string, string>(memberMetadata);
        if (request.CouponCode is { Length: > 0 } code)
            subscriptionMetadata[CouponCodeKey] = code;
        var options = new CheckoutSessionCreateOptions
        {
            Mode = "subscription",
            Customer = request.CustomerId,
            ClientReferenceId = request.MemberId,
            LineItems = [.. request.Lines.Select(l => new CheckoutSessionLineItemOptions { Price = l.GatewayPriceId, Quantity = l.Quantity })],
            SubscriptionData = new CheckoutSubscriptionDataOptions
            {
                Metadata = subscriptionMetadata,
                TrialPeriodDays = request.TrialDays > 0 ? request.TrialDays : null,
            },
            Metadata = new Dictionary<string, string>(memberMetadata),
            Discounts = request.GatewayCouponId is { Length: > 0 } coupon ? [new CheckoutSessionDiscountOptions { Coupon = coupon }] : null,
            // The rate charged is the chosen country's, so Stripe's address form offers that country only.
            ShippingAddressCollection = request.CollectShippingAddress
                ? new CheckoutShippingAddressCollectionOptions
                {
                    AllowedCountries = request.ShipToCountry is { Length: 2 } country ? [country] : [.. checkoutOptions.Value.ShippingCountries],
                }
                : null,
            SuccessUrl = request.SuccessUrl,
            CancelUrl = request.CancelUrl,
        };
        // Checkout in subscription mode bills one-time prices on the first invoice only, and recurring ones on every invoice.
        if (request.OneTimeLines is { Count: > 0 } oneTime)
        {
            foreach (var line in oneTime.Where(l => l.Amount.Minor > 0))
            {
                var product = line.Shipping ? ShippingProductId : SetupFeeProductId;
                await EnsurePortalProductAsync(product, line.Shipping ? "Shipping" : "Setup fee", ct);
                options.LineItems.Add(new CheckoutSessionLineItemOptions
                {
                    PriceData = new CheckoutSessionLineItemPriceDataOptions
                    {
                        Product = product,
                        UnitAmount = line.Amount.Minor,
                        Currency = line.Amount.Currency.ToLowerInvariant(),
                    },
                    Quantity = 1,
                });
            }
        }
        if (request.Shipping is { Amount.Minor: > 0 } shipping)
        {
            await EnsurePortalProductAsync(ShippingProductId, "Shipping", ct);
            options.LineItems.Add(new CheckoutSessionLineItemOptions
            {
                PriceData = new CheckoutSessionLineItemPriceDataOptions
                {
                    Product = ShippingProductId,
                    UnitAmount = shipping.Amount.Minor,
                    Currency = shipping.Amount.Currency.ToLowerInvariant(),
                    Recurring = new CheckoutSessionLineItemPriceDataRecurringOptions { Interval = Interval(shipping.Interval), IntervalCount = shipping.IntervalCount },
                },
                Quantity = 1,
            });
        }
        var session = await Call(() => client.V1.Checkout.Sessions.CreateAsync(options, Key(request.IdempotencyKey), ct));
        return session.Url;
    }

    /// <summary>Creates one of the portal's own fixed-id products (shipping, setup fee) unless it exists.</summary>
    private async Task EnsurePortalProductAsync(string id, string name, CancellationToken ct)
    {
        if (portalProducts.ContainsKey(id))
            return;
        try
        {
            await client.V1.Products.CreateAsync(new ProductCreateOptions { Id = id, Name = name }, Key($"product-create:{id}"), ct);
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "resource_already_exists")
        {
            // made by an earlier checkout: that is the product we want
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            throw new PaymentGatewayException(code, message, ex);
        }
        portalProducts[id] = true;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> portalProducts = new(StringComparer.Ordinal);

    public async Task<string> CreateBillingPortalSessionAsync(string customerId, string returnUrl, CancellationToken ct = default)
    {
        // The port gives no key for this call. A portal session expires after a few minutes, so a key that lived 24 hours
        // would hand back a dead link; one per customer and minute still absorbs double clicks and retries.
        var minute = clock.GetUtcNow().ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var options = new BillingPortalSessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl };
        var session = await Call(() => client.V1.BillingPortal.Sessions.CreateAsync(options, Key($"portal:{customerId}:{minute}:{Hash(returnUrl)}"), ct));
        return session.Url;
    }

    public async Task UpdateSubscriptionAsync(SubscriptionUpdateRequest request, CancellationToken ct = default)
    {
        var changes = request.Items.ToList();
        if (changes.Any(i => i.GatewayItemId is null && (i.ReplacesGatewayPriceId is not null || i.Shipping && i.Remove)))
        {
            var current = await Call(() => client.V1.Subscriptions.GetAsync(request.GatewaySubscriptionId, cancellationToken: ct));
            changes = [.. changes.Select(i => i.GatewayItemId is null && i.ReplacesGatewayPriceId is { } old
                ? i with
                {
                    GatewayItemId = current.Items?.Data?.FirstOrDefault(x => x.Price?.Id == old)?.Id
                        ?? throw new PaymentGatewayException("resource_missing", $"Stripe subscription {request.GatewaySubscriptionId} has no item on price {old}."),
                }
                : i.GatewayItemId is null && i.Shipping && i.Remove
                ? i with { GatewayItemId = current.Items?.Data?.FirstOrDefault(x => x.Price?.ProductId == ShippingProductId)?.Id }
                : i)];
            // No shipping line to remove: nothing to do for that change.
            changes.RemoveAll(i => i.Shipping && i.Remove && i.GatewayItemId is null);
        }
        if (changes.Any(i => i.ShippingLine is not null))
            await EnsurePortalProductAsync(ShippingProductId, "Shipping", ct);
        var options = new SubscriptionUpdateOptions
        {
            Items = [.. changes.Select(i => i.Remove
                ? new SubscriptionItemOptions { Id = i.GatewayItemId, Deleted = true }
                : i.ShippingLine is { } shipping
                ? new SubscriptionItemOptions
                {
                    PriceData = new SubscriptionItemPriceDataOptions
                    {
                        Product = ShippingProductId,
                        UnitAmount = shipping.Amount.Minor,
                        Currency = shipping.Amount.Currency.ToLowerInvariant(),
                        Recurring = new SubscriptionItemPriceDataRecurringOptions { Interval = Interval(shipping.Interval), IntervalCount = shipping.IntervalCount },
                    },
                    Quantity = 1,
                }
                : new SubscriptionItemOptions { Id = i.GatewayItemId, Price = i.GatewayPriceId, Quantity = i.Quantity })],
            ProrationBehavior = request.ProrateNow ? "always_invoice" : "none",
        };
        await Call(() => client.V1.Subscriptions.UpdateAsync(request.GatewaySubscriptionId, options, Key(request.IdempotencyKey), ct));
    }

    public Task CancelSubscriptionAsync(string gatewaySubscriptionId, CancelMode mode, string idempotencyKey, CancellationToken ct = default)
    {
        var key = Key(idempotencyKey);
        return mode switch
        {
            CancelMode.Immediately => Call(() => client.V1.Subscriptions.CancelAsync(gatewaySubscriptionId, new SubscriptionCancelOptions(), key, ct)),
            CancelMode.AtPeriodEnd => Call(() => client.V1.Subscriptions.UpdateAsync(gatewaySubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, key, ct)),
            CancelMode.UndoAtPeriodEnd => Call(() => client.V1.Subscriptions.UpdateAsync(gatewaySubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, key, ct)),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a cancel mode."),
        };
    }

    public Task PauseSubscriptionAsync(string gatewaySubscriptionId, DateTimeOffset? resumesAt, string idempotencyKey, CancellationToken ct = default)
    {
        var options = new SubscriptionUpdateOptions();
        if (resumesAt is { } until)
            options.PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = "void", ResumesAt = until.UtcDateTime };
        else
            options.AddExtraParam("pause_collection", ""); // Stripe's way to clear an object parameter: resume collection.
        return Call(() => client.V1.Subscriptions.UpdateAsync(gatewaySubscriptionId, options, Key(idempotencyKey), ct));
    }

    public async Task<CatalogSyncResult> SyncProductAsync(ProductSyncRequest request, CancellationToken ct = default)
    {
        var productMetadata = new Dictionary<string, string> { ["product_id"] = request.ProductId.ToString() };
        Product product;
        if (request.GatewayProductId is null)
        {
            var create = new ProductCreateOptions { Name = request.Name, Description = NullIfEmpty(request.Description), Metadata = productMetadata };
            product = await Call(() => client.V1.Products.CreateAsync(create, Key($"product-create:{request.ProductId:N}"), ct));
        }
        else
        {
            // Stripe refuses a reused key with different parameters, so the key carries a digest of what is sent.
            var update = new ProductUpdateOptions { Name = request.Name, Description = request.Description ?? "", Metadata = productMetadata };
            product = await Call(() => client.V1.Products.UpdateAsync(request.GatewayProductId, update,
                Key($"product-update:{request.ProductId:N}:{Hash($"{request.Name}\n{request.Description}")}"), ct));
        }

        var priceIds = new Dictionary<Guid, string>();
        foreach (var line in request.Prices)
        {
            if (line.GatewayPriceId is { Length: > 0 } existing)
            {
                // Earlier versions gave every price a recurring Stripe price; a one-time product's is replaced once by a
                // one-time price, or Checkout would make it a subscription item billed on every renewal.
                if (!line.OneTime || (await Call(() => client.V1.Prices.GetAsync(existing, cancellationToken: ct))).Type == "one_time")
                {
                    priceIds[line.PriceId] = existing;
                    continue;
                }
            }

            var create = new PriceCreateOptions
            {
                Product = product.Id,
                UnitAmount = line.AmountMinor,
                Currency = line.Currency.ToLowerInvariant(),
                Recurring = line.OneTime ? null : new PriceRecurringOptions { Interval = Interval(line.Interval), IntervalCount = line.IntervalCount },
                Metadata = new Dictionary<string, string> { ["price_id"] = line.PriceId.ToString() },
            };
            var key = line.OneTime ? $"price-create-one-time:{line.PriceId:N}" : $"price-create:{line.PriceId:N}";
            var price = await Call(() => client.V1.Prices.CreateAsync(create, Key(key), ct));
            priceIds[line.PriceId] = price.Id;
        }

        return new CatalogSyncResult(product.Id, priceIds);
    }

    /// <summary>
    /// Coupons are immutable at Stripe, so the id carries a digest of the terms: the same terms reuse one Stripe coupon,
    /// edited terms make a new one. A create that finds the id taken (an earlier run beyond the idempotency key's 24 hours)
    /// is the coupon we want.
    /// </summary>
    public async Task<string> EnsureCouponAsync(CouponSyncRequest request, CancellationToken ct = default)
    {
        if (request.PercentOff is null == request.AmountOffMinor is null)
            throw new ArgumentException("A coupon is either percent-off or amount-off.", nameof(request));
        var duration = request.Duration.Trim().ToLowerInvariant();
        if (duration is not ("once" or "repeating" or "forever"))
            throw new ArgumentException($"'{request.Duration}' is not a Stripe coupon duration (once, repeating or forever).", nameof(request));
        var products = request.GatewayProductIds.Order(StringComparer.Ordinal).ToList();
        var fingerprint = string.Join("|", request.CouponId, request.Code, request.PercentOff?.ToString(CultureInfo.InvariantCulture),
            request.AmountOffMinor, request.Currency, duration, request.DurationInMonths, request.RedeemBy?.ToUnixTimeSeconds(), string.Join(",", products));
        var id = $"mp_{request.Code}_{Hash(fingerprint)[..10]}";
        var options = new CouponCreateOptions
        {
            Id = id,
            Name = request.Code.Length <= 40 ? request.Code : request.Code[..40],
            PercentOff = request.PercentOff,
            AmountOff = request.AmountOffMinor,
            Currency = request.AmountOffMinor is null ? null : request.Currency?.ToLowerInvariant(),
            Duration = duration,
            DurationInMonths = duration == "repeating" ? request.DurationInMonths : null,
            RedeemBy = request.RedeemBy?.UtcDateTime,
            AppliesTo = products.Count > 0 ? new CouponAppliesToOptions { Products = products } : null,
            Metadata = new Dictionary<string, string> { ["coupon_id"] = request.CouponId.ToString() },
        };
        try
        {
            return (await client.V1.Coupons.CreateAsync(options, Key($"coupon-create:{id}"), ct)).Id;
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "resource_already_exists")
        {
            return id;
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            throw new PaymentGatewayException(code, message, ex);
        }
    }

    /// <summary>
    /// The cancel dialog's save offer at Stripe: a repeating percent-off coupon (one per terms, fixed id) set as the
    /// subscription's discount; Stripe takes it off the invoices of the next <paramref name="months"/> months.
    /// </summary>
    public async Task ApplyRepeatingDiscountAsync(string gatewaySubscriptionId, int percentOff, int months, string idempotencyKey, CancellationToken ct = default)
    {
        if (percentOff is < 1 or > 100 || months is < 1 or > 12)
            throw new ArgumentException("A save discount is 1-100 percent off for 1-12 months.", nameof(percentOff));
        var id = $"mp_save_{percentOff}pct_{months}m";
        try
        {
            await client.V1.Coupons.CreateAsync(new CouponCreateOptions
            {
                Id = id,
                Name = $"{percentOff}% off for {months} month{(months == 1 ? "" : "s")}",
                PercentOff = percentOff,
                Duration = "repeating",
                DurationInMonths = months,
            }, Key($"coupon-create:{id}"), ct);
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "resource_already_exists")
        {
            // an earlier offer with the same terms made it
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            throw new PaymentGatewayException(code, message, ex);
        }
        var update = new SubscriptionUpdateOptions { Discounts = [new SubscriptionDiscountOptions { Coupon = id }] };
        await Call(() => client.V1.Subscriptions.UpdateAsync(gatewaySubscriptionId, update, Key(idempotencyKey), ct));
    }

    /// <summary>A negative invoice item on the subscription: Stripe takes it off the subscription's next invoice.</summary>
    public async Task<string> CreditNextInvoiceAsync(InvoiceCreditRequest request, CancellationToken ct = default)
    {
        if (request.Amount.Minor <= 0)
            throw new ArgumentException("A credit is a positive amount.", nameof(request));
        var options = new InvoiceItemCreateOptions
        {
            Customer = request.CustomerId,
            Subscription = request.GatewaySubscriptionId,
            Amount = -request.Amount.Minor,
            Currency = request.Amount.Currency.ToLowerInvariant(),
            Description = request.Description,
        };
        return (await Call(() => client.V1.InvoiceItems.CreateAsync(options, Key(request.IdempotencyKey), ct))).Id;
    }

    public async Task<bool> RemoveCreditAsync(string gatewayCreditId, CancellationToken ct = default)
    {
        try
        {
            await client.V1.InvoiceItems.DeleteAsync(gatewayCreditId, cancellationToken: ct);
            return true;
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "resource_missing")
        {
            return true; // already gone: nothing left to take back
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "invoice_item_already_invoiced" || ex.StripeError?.Message?.Contains("invoiced", StringComparison.OrdinalIgnoreCase) == true)
        {
            return false;
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            throw new PaymentGatewayException(code, message, ex);
        }
    }

    /// <summary>
    /// The payment that settled a paid invoice (its PaymentIntent id, else its charge id) and the card it was paid with.
    /// Stripe's invoice events carry neither: <c>invoice.payments</c> is sent only when expanded. Null when the invoice
    /// has no payment yet.
    /// </summary>
    public async Task<StripeInvoicePayment?> GetInvoicePaymentAsync(string gatewayInvoiceId, CancellationToken ct = default)
    {
        var options = new InvoicePaymentListOptions
        {
            Invoice = gatewayInvoiceId,
            Limit = 10,
            Expand = ["data.payment.payment_intent.payment_method", "data.payment.charge"],
        };
        var payments = await Call(() => client.V1.InvoicePayments.ListAsync(options, cancellationToken: ct));
        var paid = payments.Data.Where(p => p.Status == "paid").ToList();
        var payment = (paid.FirstOrDefault(p => p.IsDefault) ?? paid.FirstOrDefault() ?? payments.Data.FirstOrDefault(p => p.IsDefault))?.Payment;
        if (payment is null)
            return null;
        var id = payment.PaymentIntentId ?? payment.ChargeId;
        if (string.IsNullOrEmpty(id))
            return null;
        var card = Summary(payment.PaymentIntent?.PaymentMethod?.Card) ?? Summary(payment.Charge?.PaymentMethodDetails?.Card);
        return new StripeInvoicePayment(id, card);
    }

    /// <summary>
    /// The customer's card on file: the default payment method, else the legacy default card source. Stripe's events name
    /// these by id only, so the customer is read with both expanded. Null when there is no card.
    /// </summary>
    public async Task<CardSummary?> GetCustomerCardAsync(string customerId, CancellationToken ct = default)
    {
        var options = new CustomerGetOptions { Expand = ["invoice_settings.default_payment_method", "default_source"] };
        var customer = await Call(() => client.V1.Customers.GetAsync(customerId, options, cancellationToken: ct));
        return Summary(customer.InvoiceSettings?.DefaultPaymentMethod?.Card)
            ?? (customer.DefaultSource is Card source ? Summary(source.Brand, source.Last4, source.ExpMonth, source.ExpYear) : null);
    }

    private static CardSummary? Summary(PaymentMethodCard? card) =>
        card is null ? null : Summary(card.DisplayBrand ?? card.Brand, card.Last4, card.ExpMonth, card.ExpYear);

    private static CardSummary? Summary(ChargePaymentMethodDetailsCard? card) =>
        card is null ? null : Summary(card.Brand, card.Last4, card.ExpMonth, card.ExpYear);

    private static CardSummary? Summary(string? brand, string? last4, long month, long year) =>
        last4 is { Length: 4 } && month is >= 1 and <= 12 && year is > 0 and < 10000
            ? new CardSummary(brand is null ? null : brand.Length <= 24 ? brand : brand[..24], last4, (int)month, (int)year)
            : null;

    /// <summary>
    /// One page of a Stripe list (GET <paramref name="path"/>), each object as the JSON Stripe sent: reconciliation compares
    /// subscriptions field by field and replays events through the webhook processor, which reads Stripe's own JSON.
    /// A 429 is retried after a growing pause (Stripe's rate limits); other failures are a <see cref="PaymentGatewayException"/>.
    /// </summary>
    public async Task<StripeRawPage> ListRawAsync(string path, IEnumerable<KeyValuePair<string, string>> query, CancellationToken ct = default)
    {
        var url = path + "?" + string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        var content = await RawGetAsync(url, ct) ?? throw new PaymentGatewayException("resource_missing", $"Stripe has no list at {path}.");
        using var document = System.Text.Json.JsonDocument.Parse(content);
        var root = document.RootElement;
        return new StripeRawPage(
            [.. root.GetProperty("data").EnumerateArray().Select(e => e.GetRawText())],
            root.TryGetProperty("has_more", out var more) && more.GetBoolean());
    }

    /// <summary>One object as Stripe's JSON (GET <paramref name="path"/>, with any query), or null when Stripe has no such object.</summary>
    public Task<string?> GetRawAsync(string path, CancellationToken ct = default) => RawGetAsync(path, ct);

    /// <summary>Pauses before each retry of a rate-limited read: 0.25 s, doubling, five tries in all.</summary>
    public static TimeSpan RateLimitPause(int attempt) => TimeSpan.FromMilliseconds(250 * (1 << attempt));

    private async Task<string?> RawGetAsync(string url, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await client.RawRequestAsync(HttpMethod.Get, url, null, null, ct)).Content;
            }
            catch (StripeException ex) when (ex.HttpStatusCode == System.Net.HttpStatusCode.TooManyRequests && attempt < 4)
            {
                await Task.Delay(RateLimitPause(attempt), ct);
            }
            catch (StripeException ex) when (ex.HttpStatusCode == System.Net.HttpStatusCode.NotFound && ex.StripeError?.Code == "resource_missing")
            {
                return null;
            }
            catch (StripeException ex)
            {
                var (code, message) = Failure(ex);
                throw new PaymentGatewayException(code, message, ex);
            }
        }
    }

    /// <summary>Reads the account balance, the cheapest call that proves the secret key works.</summary>
    public async Task<string?> CheckConnectionAsync(CancellationToken ct = default)
    {
        try
        {
            await client.V1.Balance.GetAsync(cancellationToken: ct);
            return null;
        }
        catch (StripeException ex)
        {
            return $"Stripe refused the request: {Failure(ex).Message}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            return $"Stripe could not be reached: {ex.Message}";
        }
    }

    private static RequestOptions Key(string idempotencyKey)
    {
        // An empty key would make Stripe.net invent a random one, which defeats the point.
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 255)
            throw new ArgumentException("A Stripe call needs a deterministic idempotency key of 1-255 characters.", nameof(idempotencyKey));
        return new RequestOptions { IdempotencyKey = idempotencyKey };
    }

    private static string Interval(string interval) => interval.Trim().ToLowerInvariant() switch
    {
        "day" or "week" or "month" or "year" => interval.Trim().ToLowerInvariant(),
        _ => throw new ArgumentException($"'{interval}' is not a Stripe billing interval (day, week, month or year).", nameof(interval)),
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static (string Code, string Message) Failure(StripeException ex)
    {
        var error = ex.StripeError;
        var code = error?.DeclineCode ?? error?.Code ?? error?.Type ?? "stripe_error";
        var message = error?.Message ?? ex.Message;
        return (code, message);
    }

    /// <summary>Calls without a result record to carry a failure: the Stripe error becomes a <see cref="PaymentGatewayException"/>.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException ex)
        {
            var (code, message) = Failure(ex);
            throw new PaymentGatewayException(code, message, ex);
        }
    }
}

/// <summary>A gateway call failed; <see cref="Code"/> is Stripe's error or decline code and the message can be shown.</summary>
public sealed class PaymentGatewayException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>A page of a Stripe list: each object's JSON, and whether Stripe has more after the last one.</summary>
public sealed record StripeRawPage(IReadOnlyList<string> Data, bool HasMore);

/// <summary>The card shown to the member: brand, last four digits and expiry, never more.</summary>
public sealed record CardSummary(string? Brand, string Last4, int ExpMonth, int ExpYear);

/// <summary>What settled a Stripe invoice: the id a refund names (pi_... or ch_...) and the card, when Stripe says.</summary>
public sealed record StripeInvoicePayment(string PaymentId, CardSummary? Card);

/// <summary>Checkout settings the port does not carry (Payments:Stripe:ShippingCountries).</summary>
public sealed class StripeCheckoutOptions
{
    /// <summary>Countries Checkout offers for shipping addresses (ISO 3166-1 alpha-2); Stripe requires a list.</summary>
    public List<string> ShippingCountries { get; set; } = [];

    internal static readonly string[] DefaultShippingCountries =
        ["US", "CA", "GB", "IE", "AU", "NZ", "DE", "FR", "NL", "BE", "AT", "ES", "IT", "PT", "SE", "DK", "FI", "NO", "CH"];
}
