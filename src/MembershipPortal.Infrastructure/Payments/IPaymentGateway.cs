using MembershipPortal.Domain.Common;

namespace MembershipPortal.Infrastructure.Payments;

/// <summary>
/// The one payment port. With the built-in <c>Test</c> gateway the portal is the billing engine: it charges cards
/// in-process and renews subscriptions itself. With <c>Stripe</c>, Stripe is the billing engine: checkout and
/// card updates happen on Stripe's pages, Stripe renews and retries, and the local ledger follows its webhooks.
/// Every create call carries a deterministic idempotency key derived from our own rows.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>"Test" or "Stripe"; stored on billing profiles and subscriptions.</summary>
    string Name { get; }

    /// <summary>True when checkout and card updates happen on the gateway's hosted pages (Stripe).</summary>
    bool UsesHostedPages { get; }

    /// <summary>Creates (or finds) the member's customer record at the gateway.</summary>
    Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken ct = default);

    /// <summary>Test gateway: attaches a card typed into the portal's own form. Stripe collects cards on its pages.</summary>
    Task<CardResult> AttachCardAsync(string customerId, CardDetails card, CancellationToken ct = default);

    /// <summary>Charges the customer's card on file.</summary>
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct = default);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct = default);

    /// <summary>Stripe: a Checkout Session in subscription mode; returns the URL to send the member to.</summary>
    Task<string> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken ct = default);

    /// <summary>Stripe: a customer-portal session for payment-method updates; returns its URL.</summary>
    Task<string> CreateBillingPortalSessionAsync(string customerId, string returnUrl, CancellationToken ct = default);

    /// <summary>Stripe: changes price/quantity of subscription items with proration invoiced now.</summary>
    Task UpdateSubscriptionAsync(SubscriptionUpdateRequest request, CancellationToken ct = default);

    /// <summary>Stripe: cancel now, or set/clear cancel-at-period-end.</summary>
    Task CancelSubscriptionAsync(string gatewaySubscriptionId, CancelMode mode, string idempotencyKey, CancellationToken ct = default);

    /// <summary>Stripe: pause collection until a date, or resume it (null).</summary>
    Task PauseSubscriptionAsync(string gatewaySubscriptionId, DateTimeOffset? resumesAt, string idempotencyKey, CancellationToken ct = default);

    /// <summary>Stripe: creates the product and any missing prices; returns the gateway ids to store.</summary>
    Task<CatalogSyncResult> SyncProductAsync(ProductSyncRequest request, CancellationToken ct = default);
    /// <summary>
    /// Stripe: makes sure a coupon with these terms exists at the gateway and returns its id (the same terms always give the
    /// same id). Gateways that price checkouts themselves (the test gateway) apply the portal's coupon directly.
    /// </summary>
    Task<string> EnsureCouponAsync(CouponSyncRequest request, CancellationToken ct = default) =>
        throw new NotSupportedException($"{Name} applies the portal's coupons itself.");

    /// <summary>Stripe: a credit (a negative invoice item) on the subscription's next invoice; returns its id.</summary>
    Task<string> CreditNextInvoiceAsync(InvoiceCreditRequest request, CancellationToken ct = default) =>
        throw new NotSupportedException($"{Name} bills renewals itself and leaves skipped items off them.");

    /// <summary>Stripe: takes back a credit not yet on an invoice; false when it already is (it stays).</summary>
    Task<bool> RemoveCreditAsync(string gatewayCreditId, CancellationToken ct = default) =>
        throw new NotSupportedException($"{Name} has no gateway credits.");

    /// <summary>
    /// Stripe: puts <paramref name="percentOff"/>% off for <paramref name="months"/> months (a repeating coupon) on the
    /// subscription, from its next invoice. The test gateway takes the save offer off its own renewals.
    /// </summary>
    Task ApplyRepeatingDiscountAsync(string gatewaySubscriptionId, int percentOff, int months, string idempotencyKey, CancellationToken ct = default) =>
        throw new NotSupportedException($"{Name} applies the save offer to its own renewals.");

    /// <summary>Checks the gateway answers with our credentials: null when it does, else what went wrong.</summary>
    Task<string?> CheckConnectionAsync(CancellationToken ct = default) => Task.FromResult<string?>(null);
}

public sealed record CustomerRequest(string MemberId, string Email, string? Name, string IdempotencyKey);

public sealed record CardDetails(string Number, int ExpMonth, int ExpYear, string Cvc);

public sealed record CardResult(bool Succeeded, string? Brand, string? Last4, int ExpMonth, int ExpYear, string? Token, string? FailureCode, string? FailureMessage);

public sealed record ChargeRequest(string CustomerId, string? CardToken, Money Amount, string Description, string IdempotencyKey, bool IsRenewal);

public sealed record ChargeResult(bool Succeeded, string? PaymentId, string? FailureCode, string? FailureMessage)
{
    public static ChargeResult Declined(string code, string message) => new(false, null, code, message);
}

public sealed record RefundRequest(string PaymentId, Money Amount, string IdempotencyKey);

public sealed record RefundResult(bool Succeeded, string? RefundId, string? FailureMessage);

public sealed record CheckoutLine(string GatewayPriceId, int Quantity);

public sealed record CheckoutSessionRequest(
    string MemberId, string CustomerId, IReadOnlyList<CheckoutLine> Lines, string? GatewayCouponId, int TrialDays,
    bool CollectShippingAddress, string SuccessUrl, string CancelUrl, string IdempotencyKey, string? CouponCode = null,
    IReadOnlyList<CheckoutOneTimeLine>? OneTimeLines = null, CheckoutShippingLine? Shipping = null, string? ShipToCountry = null);

/// <summary>
/// A charge on the first invoice only, never discounted by the checkout's coupon: a setup fee (shown as "Setup fee"), or
/// with <paramref name="Shipping"/> the one parcel of one-time products when nothing of the plan itself ships.
/// </summary>
public sealed record CheckoutOneTimeLine(Money Amount, bool Shipping = false);

/// <summary>
/// The shipping country's flat rate, billed with every payment of the box: a recurring line on the subscription at the box
/// price's interval (Stripe Checkout offers shipping rates in payment mode only).
/// </summary>
public sealed record CheckoutShippingLine(Money Amount, string Interval, int IntervalCount);

/// <summary>A positive amount to take off the subscription's next invoice.</summary>
public sealed record InvoiceCreditRequest(string CustomerId, string GatewaySubscriptionId, Money Amount, string Description, string IdempotencyKey);

/// <summary>A portal coupon as the gateway needs it: terms, expiry and the gateway products it is restricted to (none = all).</summary>
public sealed record CouponSyncRequest(
    Guid CouponId, string Code, decimal? PercentOff, long? AmountOffMinor, string? Currency, string Duration, int? DurationInMonths,
    DateTimeOffset? RedeemBy, IReadOnlyList<string> GatewayProductIds);

/// <summary>
/// One item change. With no <see cref="GatewayItemId"/> but a <see cref="ReplacesGatewayPriceId"/>, the gateway finds the
/// item on that price (the ledger does not keep Stripe's item ids) and moves it to <see cref="GatewayPriceId"/>.
/// </summary>
public sealed record SubscriptionItemChange(string? GatewayItemId, string GatewayPriceId, int Quantity, bool Remove = false, string? ReplacesGatewayPriceId = null)
{
    /// <summary>Removes the subscription's shipping line (none there: nothing to do).</summary>
    public static SubscriptionItemChange RemoveShipping() => new(null, "", 1, Remove: true) { Shipping = true };

    /// <summary>Adds a shipping line billed at <paramref name="line"/> with every renewal.</summary>
    public static SubscriptionItemChange AddShipping(CheckoutShippingLine line) => new(null, "", 1) { Shipping = true, ShippingLine = line };

    /// <summary>The change is to the portal's shipping line (<see cref="ShippingLine"/> when one is added), not a catalog price.</summary>
    public bool Shipping { get; init; }

    public CheckoutShippingLine? ShippingLine { get; init; }
}

public sealed record SubscriptionUpdateRequest(string GatewaySubscriptionId, IReadOnlyList<SubscriptionItemChange> Items, bool ProrateNow, string IdempotencyKey);

public enum CancelMode { Immediately, AtPeriodEnd, UndoAtPeriodEnd }

/// <param name="OneTime">A one-time product's price (a starter kit): a one-time gateway price, billed once on the invoice it is sold on.</param>
public sealed record PriceSyncLine(Guid PriceId, string? GatewayPriceId, long AmountMinor, string Currency, string Interval, int IntervalCount, int TrialDays,
    bool OneTime = false);

public sealed record ProductSyncRequest(Guid ProductId, string? GatewayProductId, string Name, string? Description, IReadOnlyList<PriceSyncLine> Prices);

public sealed record CatalogSyncResult(string GatewayProductId, IReadOnlyDictionary<Guid, string> GatewayPriceIds);
