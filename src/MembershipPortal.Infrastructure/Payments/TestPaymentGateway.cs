using System.Collections.Concurrent;

namespace MembershipPortal.Infrastructure.Payments;

/// <summary>
/// The built-in gateway: no network, no keys. Cards behave like Stripe's test cards:
/// 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 is declined for
/// insufficient funds; 4000 0000 0000 0341 attaches but every later (renewal) charge fails.
/// Idempotency keys are honoured: the same key returns the first answer.
/// </summary>
public sealed class TestPaymentGateway : IPaymentGateway
{
    public const string Succeeds = "4242424242424242";
    public const string Declined = "4000000000000002";
    public const string FailsOnRenewal = "4000000000000341";
    public const string InsufficientFunds = "4000000000009995";

    private readonly ConcurrentDictionary<string, object> answers = new();
    private readonly TimeProvider clock;

    public TestPaymentGateway(TimeProvider clock) => this.clock = clock;

    public string Name => "Test";
    public bool UsesHostedPages => false;

    public Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken ct = default) =>
        Task.FromResult((string)answers.GetOrAdd(request.IdempotencyKey, _ => "tcus_" + Guid.NewGuid().ToString("N")[..16]));

    public Task<CardResult> AttachCardAsync(string customerId, CardDetails card, CancellationToken ct = default)
    {
        var number = new string(card.Number.Where(char.IsDigit).ToArray());
        if (number.Length is < 12 or > 19 || !LuhnValid(number))
            return Task.FromResult(Fail("incorrect_number", "Your card number is incorrect."));
        var now = clock.GetUtcNow();
        if (card.ExpMonth is < 1 or > 12 || card.ExpYear < now.Year || (card.ExpYear == now.Year && card.ExpMonth < now.Month))
            return Task.FromResult(Fail("expired_card", "Your card has expired."));
        if (card.Cvc.Length is < 3 or > 4 || !card.Cvc.All(char.IsDigit))
            return Task.FromResult(Fail("incorrect_cvc", "Your card's security code is incorrect."));
        return Task.FromResult(number switch
        {
            Declined => Fail("card_declined", "Your card was declined."),
            InsufficientFunds => Fail("insufficient_funds", "Your card has insufficient funds."),
            _ => new CardResult(true, Brand(number), number[^4..], card.ExpMonth, card.ExpYear, "tok_" + number, null, null),
        });
    }

    public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct = default) =>
        Task.FromResult((ChargeResult)answers.GetOrAdd(request.IdempotencyKey, _ => Charge(request)));

    private static ChargeResult Charge(ChargeRequest request)
    {
        if (request.Amount.Minor <= 0)
            return new ChargeResult(true, null, null, null);
        var number = request.CardToken?.StartsWith("tok_", StringComparison.Ordinal) == true ? request.CardToken[4..] : null;
        return number switch
        {
            null => ChargeResult.Declined("no_payment_method", "There is no card on file."),
            Declined => ChargeResult.Declined("card_declined", "Your card was declined."),
            InsufficientFunds => ChargeResult.Declined("insufficient_funds", "Your card has insufficient funds."),
            FailsOnRenewal when request.IsRenewal => ChargeResult.Declined("card_declined", "Your card was declined."),
            _ => new ChargeResult(true, "tpay_" + Guid.NewGuid().ToString("N")[..16], null, null),
        };
    }

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct = default) =>
        Task.FromResult((RefundResult)answers.GetOrAdd(request.IdempotencyKey, _ =>
            request.Amount.Minor > 0 ? new RefundResult(true, "tref_" + Guid.NewGuid().ToString("N")[..16], null) : new RefundResult(false, null, "A refund must be positive.")));

    // The test gateway has no hosted pages and no remote subscriptions: the local ledger is the subscription.
    public Task<string> CreateCheckoutSessionAsync(CheckoutSessionRequest request, CancellationToken ct = default) =>
        throw new NotSupportedException("The test gateway takes cards in the portal's own checkout form.");

    public Task<string> CreateBillingPortalSessionAsync(string customerId, string returnUrl, CancellationToken ct = default) =>
        throw new NotSupportedException("The test gateway updates cards in the portal's own form.");

    public Task UpdateSubscriptionAsync(SubscriptionUpdateRequest request, CancellationToken ct = default) => Task.CompletedTask;
    public Task CancelSubscriptionAsync(string gatewaySubscriptionId, CancelMode mode, string idempotencyKey, CancellationToken ct = default) => Task.CompletedTask;
    public Task PauseSubscriptionAsync(string gatewaySubscriptionId, DateTimeOffset? resumesAt, string idempotencyKey, CancellationToken ct = default) => Task.CompletedTask;

    public Task<CatalogSyncResult> SyncProductAsync(ProductSyncRequest request, CancellationToken ct = default) =>
        Task.FromResult(new CatalogSyncResult(request.GatewayProductId ?? "tprod_" + request.ProductId.ToString("N")[..16],
            request.Prices.ToDictionary(p => p.PriceId, p => p.GatewayPriceId ?? "tprice_" + p.PriceId.ToString("N")[..16])));

    private static CardResult Fail(string code, string message) => new(false, null, null, 0, 0, null, code, message);

    private static string Brand(string number) => number[0] switch
    {
        '4' => "Visa",
        '5' => "Mastercard",
        '3' => "American Express",
        '6' => "Discover",
        _ => "Card",
    };

    internal static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
