using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StripeClient = global::Stripe.StripeClient;
using StripeClientOptions = global::Stripe.StripeClientOptions;
using SystemNetHttpClient = global::Stripe.SystemNetHttpClient;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>The adapter against a stub of Stripe's API: what is sent, and how replies and errors come back.</summary>
public sealed class StripePaymentGatewayTests
{
    private readonly StubStripeApi api = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly StripePaymentGateway gateway;

    public StripePaymentGatewayTests()
    {
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = "sk_test_x",
            HttpClient = new SystemNetHttpClient(new HttpClient(api), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        });
        gateway = new StripePaymentGateway(client, clock, Options.Create(new StripeCheckoutOptions { ShippingCountries = ["IE", "GB"] }));
    }

    private RecordedRequest Sent => Assert.Single(api.Requests);

    [Fact]
    public void Gateway_Always_IsStripeWithHostedPages()
    {
        Assert.Equal("Stripe", gateway.Name);
        Assert.True(gateway.UsesHostedPages);
    }

    [Fact]
    public async Task CreateCheckoutSession_SubscriptionCheckout_SendsEverythingWithOurKey()
    {
        api.Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));

        var url = await gateway.CreateCheckoutSessionAsync(new CheckoutSessionRequest(
            "member-1", "cus_1", [new CheckoutLine("price_pro", 1), new CheckoutLine("price_kit", 2)], "WELCOME10", TrialDays: 14,
            CollectShippingAddress: true, "https://portal.test/ok", "https://portal.test/cancel", "sub-create:member-1:3"));

        Assert.Equal("https://checkout.stripe.com/pay/c/cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY", url);
        var sent = Sent;
        Assert.Equal(("POST", "/v1/checkout/sessions"), (sent.Method, sent.Path));
        Assert.Equal("sub-create:member-1:3", sent.IdempotencyKey);
        var f = sent.Form;
        Assert.Equal("subscription", f["mode"]);
        Assert.Equal("cus_1", f["customer"]);
        Assert.Equal("member-1", f["client_reference_id"]);
        Assert.Equal("price_pro", f["line_items[0][price]"]);
        Assert.Equal("1", f["line_items[0][quantity]"]);
        Assert.Equal("price_kit", f["line_items[1][price]"]);
        Assert.Equal("2", f["line_items[1][quantity]"]);
        Assert.Equal("member-1", f["subscription_data[metadata][member_id]"]);
        Assert.Equal("14", f["subscription_data[trial_period_days]"]);
        Assert.Equal("WELCOME10", f["discounts[0][coupon]"]);
        Assert.Equal("IE", f["shipping_address_collection[allowed_countries][0]"]);
        Assert.Equal("GB", f["shipping_address_collection[allowed_countries][1]"]);
        Assert.Equal("https://portal.test/ok", f["success_url"]);
        Assert.Equal("https://portal.test/cancel", f["cancel_url"]);
    }

    [Fact]
    public async Task CreateCheckoutSession_NoTrialCouponOrShipping_OmitsThem()
    {
        api.Reply(HttpMethod.Post, "/v1/checkout/sessions", StripeFixtures.Resource("checkout.session"));

        await gateway.CreateCheckoutSessionAsync(new CheckoutSessionRequest(
            "member-1", "cus_1", [new CheckoutLine("price_pro", 1)], null, 0, false, "https://portal.test/ok", "https://portal.test/cancel", "k1"));

        var keys = Sent.Form.Keys;
        Assert.DoesNotContain(keys, k => k.StartsWith("subscription_data[trial_period_days]", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("discounts", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("shipping_address_collection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureCoupon_AmountOff_SendsTermsUnderAnIdThatFollowsTheTerms()
    {
        api.Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"));
        var couponId = Guid.NewGuid();
        var request = new CouponSyncRequest(couponId, "FIVEOFF", null, 500, "USD", "Once", null,
            new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), []);

        await gateway.EnsureCouponAsync(request);
        await gateway.EnsureCouponAsync(request);
        await gateway.EnsureCouponAsync(request with { AmountOffMinor = 600 });

        var (first, second, edited) = (api.Requests[0], api.Requests[1], api.Requests[2]);
        Assert.Equal(("POST", "/v1/coupons"), (first.Method, first.Path));
        Assert.Equal("500", first.Form["amount_off"]);
        Assert.Equal("usd", first.Form["currency"]);
        Assert.Equal("once", first.Form["duration"]);
        Assert.Equal("1801353600", first.Form["redeem_by"]);
        Assert.Equal(couponId.ToString(), first.Form["metadata[coupon_id]"]);
        Assert.DoesNotContain(first.Form.Keys, k => k.StartsWith("percent_off", StringComparison.Ordinal) || k.StartsWith("applies_to", StringComparison.Ordinal));
        Assert.Equal(first.Form["id"], second.Form["id"]);
        Assert.Equal(first.IdempotencyKey, second.IdempotencyKey);
        Assert.NotEqual(first.Form["id"], edited.Form["id"]);
    }

    [Fact]
    public async Task EnsureCoupon_AlreadyAtStripe_ReturnsOurId()
    {
        api.Reply(HttpMethod.Post, "/v1/coupons",
            StubStripeApi.Error("invalid_request_error", "resource_already_exists", "Coupon already exists."), System.Net.HttpStatusCode.BadRequest);

        var id = await gateway.EnsureCouponAsync(new CouponSyncRequest(Guid.NewGuid(), "TEN", 10m, null, null, "forever", null, null, []));

        Assert.StartsWith("mp_TEN_", id);
        Assert.Equal(id, Sent.Form["id"]);
    }

    [Fact]
    public async Task EnsureCoupon_StripeRefuses_ThrowsWithStripesMessage()
    {
        api.Reply(HttpMethod.Post, "/v1/coupons",
            StubStripeApi.Error("invalid_request_error", "parameter_invalid_integer", "Invalid amount_off."), System.Net.HttpStatusCode.BadRequest);

        var ex = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.EnsureCouponAsync(new CouponSyncRequest(Guid.NewGuid(), "BAD", null, 1, "USD", "once", null, null, [])));
        Assert.Equal("Invalid amount_off.", ex.Message);
    }

    [Fact]
    public async Task EnsureCustomer_NewMember_CreatesCustomerTaggedWithMemberId()
    {
        api.Reply(HttpMethod.Post, "/v1/customers", StripeFixtures.Resource("customer"));

        var id = await gateway.EnsureCustomerAsync(new CustomerRequest("member-1", "ada@example.test", "Ada", "customer:member-1"));

        Assert.Equal("cus_QXg1o8vcGmoR32", id);
        Assert.Equal(("POST", "/v1/customers", "customer:member-1"), (Sent.Method, Sent.Path, Sent.IdempotencyKey));
        Assert.Equal("member-1", Sent.Form["metadata[member_id]"]);
        Assert.Equal("ada@example.test", Sent.Form["email"]);
    }

    [Fact]
    public async Task CreateBillingPortalSession_DoubleClick_ReusesOneKeyAndReturnsTheUrl()
    {
        api.Reply(HttpMethod.Post, "/v1/billing_portal/sessions", StripeFixtures.Resource("billing_portal.session"));

        var url = await gateway.CreateBillingPortalSessionAsync("cus_1", "https://portal.test/account");
        await gateway.CreateBillingPortalSessionAsync("cus_1", "https://portal.test/account");

        Assert.Equal("https://sangeekp-15t6ai--customer_portal-mydev.dev.stripe.me/session/{SESSION_SECRET}", url);
        Assert.Equal(2, api.Requests.Count);
        Assert.Equal(api.Requests[0].IdempotencyKey, api.Requests[1].IdempotencyKey);
        Assert.StartsWith("portal:cus_1:202611231200:", api.Requests[0].IdempotencyKey);
        Assert.Equal("cus_1", api.Requests[0].Form["customer"]);
        Assert.Equal("https://portal.test/account", api.Requests[0].Form["return_url"]);
    }

    [Theory]
    [InlineData(true, "always_invoice")]
    [InlineData(false, "none")]
    public async Task UpdateSubscription_Items_SendsChangesAndProrationBehavior(bool prorateNow, string expected)
    {
        api.Reply(HttpMethod.Post, "/v1/subscriptions/sub_1", StripeFixtures.Resource("subscription"));

        await gateway.UpdateSubscriptionAsync(new SubscriptionUpdateRequest("sub_1",
            [new SubscriptionItemChange("si_1", "price_plus", 1), new SubscriptionItemChange("si_2", "price_kit", 1, Remove: true), new SubscriptionItemChange(null, "price_new", 3)],
            prorateNow, "change:42"));

        var f = Sent.Form;
        Assert.Equal(("POST", "/v1/subscriptions/sub_1", "change:42"), (Sent.Method, Sent.Path, Sent.IdempotencyKey));
        Assert.Equal(expected, f["proration_behavior"]);
        Assert.Equal("si_1", f["items[0][id]"]);
        Assert.Equal("price_plus", f["items[0][price]"]);
        Assert.Equal("si_2", f["items[1][id]"]);
        Assert.Equal("true", f["items[1][deleted]"]);
        Assert.False(f.ContainsKey("items[1][price]"));
        Assert.Equal("price_new", f["items[2][price]"]);
        Assert.Equal("3", f["items[2][quantity]"]);
    }

    [Theory]
    [InlineData(CancelMode.Immediately, "DELETE", null)]
    [InlineData(CancelMode.AtPeriodEnd, "POST", "true")]
    [InlineData(CancelMode.UndoAtPeriodEnd, "POST", "false")]
    public async Task CancelSubscription_EachMode_SendsTheMatchingCall(CancelMode mode, string method, string? cancelAtPeriodEnd)
    {
        api.Reply(new HttpMethod(method), "/v1/subscriptions/sub_1", StripeFixtures.Resource("subscription"));

        await gateway.CancelSubscriptionAsync("sub_1", mode, "cancel:7");

        Assert.Equal((method, "/v1/subscriptions/sub_1", "cancel:7"), (Sent.Method, Sent.Path, Sent.IdempotencyKey));
        Assert.Equal(cancelAtPeriodEnd, Sent.Form.GetValueOrDefault("cancel_at_period_end"));
    }

    [Fact]
    public async Task PauseSubscription_WithDate_VoidsInvoicesUntilThen()
    {
        api.Reply(HttpMethod.Post, "/v1/subscriptions/sub_1", StripeFixtures.Resource("subscription"));
        var until = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await gateway.PauseSubscriptionAsync("sub_1", until, "pause:1");

        Assert.Equal("void", Sent.Form["pause_collection[behavior]"]);
        Assert.Equal(until.ToUnixTimeSeconds().ToString(), Sent.Form["pause_collection[resumes_at]"]);
        Assert.Equal("pause:1", Sent.IdempotencyKey);
    }

    [Fact]
    public async Task PauseSubscription_NoDate_ClearsThePause()
    {
        api.Reply(HttpMethod.Post, "/v1/subscriptions/sub_1", StripeFixtures.Resource("subscription"));

        await gateway.PauseSubscriptionAsync("sub_1", null, "resume:1");

        Assert.Equal("", Sent.Form["pause_collection"]);
    }

    [Fact]
    public async Task Refund_PaymentIntent_RefundsThePartAsked()
    {
        var refund = StripeFixtures.Resource("refund");
        api.Reply(HttpMethod.Post, "/v1/refunds", refund);

        var result = await gateway.RefundAsync(new RefundRequest("pi_123", new Money(500, "USD"), "refund:9"));

        Assert.Equal(new RefundResult(true, "re_1Pgc72B7WZ01zgkWqPvrRrPE", null), result);
        Assert.Equal(("/v1/refunds", "refund:9"), (Sent.Path, Sent.IdempotencyKey));
        Assert.Equal("pi_123", Sent.Form["payment_intent"]);
        Assert.Equal("500", Sent.Form["amount"]);
        Assert.False(Sent.Form.ContainsKey("charge"));
    }

    [Fact]
    public async Task Refund_StripeRefuses_ReturnsTheFailure()
    {
        api.Reply(HttpMethod.Post, "/v1/refunds",
            StubStripeApi.Error("invalid_request_error", "charge_already_refunded", "Charge ch_1 has already been refunded."), HttpStatusCode.BadRequest);

        var result = await gateway.RefundAsync(new RefundRequest("ch_1", new Money(500, "USD"), "refund:10"));

        Assert.False(result.Succeeded);
        Assert.Equal("Charge ch_1 has already been refunded.", result.FailureMessage);
        Assert.Equal("ch_1", Sent.Form["charge"]);
    }

    [Fact]
    public async Task Charge_Succeeds_ReturnsThePaymentIntent()
    {
        var intent = StripeFixtures.Resource("payment_intent");
        intent["status"] = "succeeded";
        intent["last_payment_error"] = null;
        api.Reply(HttpMethod.Post, "/v1/payment_intents", intent);

        var result = await gateway.ChargeAsync(new ChargeRequest("cus_1", "pm_card", new Money(1099, "EUR"), "Craft kit", "charge:5", IsRenewal: false));

        Assert.Equal(new ChargeResult(true, "pi_1PgafyB7WZ01zgkWSjxsAJo3", null, null), result);
        var f = Sent.Form;
        Assert.Equal(("/v1/payment_intents", "charge:5"), (Sent.Path, Sent.IdempotencyKey));
        Assert.Equal(("1099", "eur", "cus_1", "pm_card"), (f["amount"], f["currency"], f["customer"], f["payment_method"]));
        Assert.Equal(("true", "true"), (f["off_session"], f["confirm"]));
    }

    [Fact]
    public async Task Charge_CardDeclined402_MapsTheDeclineToTheResult()
    {
        api.Reply(HttpMethod.Post, "/v1/payment_intents",
            StubStripeApi.Error("card_error", "card_declined", "Your card has insufficient funds.", declineCode: "insufficient_funds"),
            HttpStatusCode.PaymentRequired);

        var result = await gateway.ChargeAsync(new ChargeRequest("cus_1", "pm_card", new Money(1099, "USD"), "Craft kit", "charge:6", IsRenewal: true));

        Assert.False(result.Succeeded);
        Assert.Equal("insufficient_funds", result.FailureCode);
        Assert.Equal("Your card has insufficient funds.", result.FailureMessage);
    }

    [Fact]
    public async Task Charge_NoCardOnFile_DeclinesWithoutCharging()
    {
        api.Reply(HttpMethod.Get, "/v1/customers/cus_1", StripeFixtures.Resource("customer"));

        var result = await gateway.ChargeAsync(new ChargeRequest("cus_1", null, new Money(1099, "USD"), "Craft kit", "charge:7", IsRenewal: false));

        Assert.Equal(ChargeResult.Declined("no_payment_method", "There is no card on file."), result);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/v1/payment_intents");
    }

    [Fact]
    public async Task SyncProduct_NewProduct_CreatesProductAndMissingPrices()
    {
        api.Reply(HttpMethod.Post, "/v1/products", StripeFixtures.Resource("product"));
        api.Reply(HttpMethod.Post, "/v1/prices", StripeFixtures.Resource("price"));
        var productId = Guid.NewGuid();
        var newPrice = Guid.NewGuid();
        var syncedPrice = Guid.NewGuid();

        var result = await gateway.SyncProductAsync(new ProductSyncRequest(productId, null, "Pro", "Everything", [
            new PriceSyncLine(newPrice, null, 6000, "USD", "Month", 3, 0),
            new PriceSyncLine(syncedPrice, "price_existing", 2000, "USD", "Month", 1, 0),
        ]));

        Assert.Equal("prod_QXg1hqf4jFNsqG", result.GatewayProductId);
        Assert.Equal("price_1PgafmB7WZ01zgkW6dKueIc5", result.GatewayPriceIds[newPrice]);
        Assert.Equal("price_existing", result.GatewayPriceIds[syncedPrice]);
        Assert.Equal(["/v1/products", "/v1/prices"], api.Requests.Select(r => r.Path));
        Assert.Equal($"product-create:{productId:N}", api.Requests[0].IdempotencyKey);
        var price = api.Requests[1];
        Assert.Equal($"price-create:{newPrice:N}", price.IdempotencyKey);
        Assert.Equal(("prod_QXg1hqf4jFNsqG", "6000", "usd"), (price.Form["product"], price.Form["unit_amount"], price.Form["currency"]));
        Assert.Equal(("month", "3"), (price.Form["recurring[interval]"], price.Form["recurring[interval_count]"]));
    }

    [Fact]
    public async Task SyncProduct_KnownProduct_UpdatesItUnderAContentKey()
    {
        api.Reply(HttpMethod.Post, "/v1/products/prod_1", StripeFixtures.Resource("product"));
        var productId = Guid.NewGuid();

        await gateway.SyncProductAsync(new ProductSyncRequest(productId, "prod_1", "Pro", "New words", []));
        await gateway.SyncProductAsync(new ProductSyncRequest(productId, "prod_1", "Pro", "Newer words", []));

        Assert.Equal("New words", api.Requests[0].Form["description"]);
        Assert.StartsWith($"product-update:{productId:N}:", api.Requests[0].IdempotencyKey);
        Assert.NotEqual(api.Requests[0].IdempotencyKey, api.Requests[1].IdempotencyKey);
    }

    [Fact]
    public async Task SyncProduct_StripeRejects_ThrowsGatewayException()
    {
        api.Reply(HttpMethod.Post, "/v1/products", StubStripeApi.Error("invalid_request_error", "parameter_missing", "Missing required param: name."), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.SyncProductAsync(new ProductSyncRequest(Guid.NewGuid(), null, "", null, [])));

        Assert.Equal("parameter_missing", error.Code);
    }

    [Fact]
    public async Task AttachCard_Always_RefusesBecauseStripeCollectsCards()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            gateway.AttachCardAsync("cus_1", new CardDetails("4242424242424242", 12, 2030, "123")));
        Assert.Contains("Stripe collects cards", error.Message);
        Assert.Empty(api.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AnyCall_BlankIdempotencyKey_IsRefusedBeforeSending(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => gateway.CancelSubscriptionAsync("sub_1", CancelMode.AtPeriodEnd, key));
        Assert.Empty(api.Requests);
    }

    [Fact]
    public void PaymentGateway_ProviderStripe_ResolvesTheStripeAdapter()
    {
        using var factory = new StripePortalFactory();
        Assert.IsType<StripePaymentGateway>(factory.Services.GetRequiredService<IPaymentGateway>());
    }

    [Fact]
    public void PaymentGateway_DefaultProvider_ResolvesTheTestGateway()
    {
        using var factory = new MembershipPortal.Tests.Support.PortalFactory();
        Assert.IsType<TestPaymentGateway>(factory.Services.GetRequiredService<IPaymentGateway>());
    }
}
