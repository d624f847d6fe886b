using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// Stripe's events name the card and the payment by id only. The portal reads them through its Stripe adapter (here a
/// stub answering with Stripe's own shapes), so the member sees their card and refunds have a payment to refund.
/// </summary>
public sealed class StripeCardAndPaymentTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private DateTimeOffset Start => Now.AddDays(-3);

    private async Task SendAsync(string eventId, string type, DateTimeOffset created, JsonObject data)
    {
        var response = await factory.PostEventAsync(StripeEvents.Envelope(eventId, type, created, data));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Checkout as Stripe reports it: the session, the subscription and its first paid invoice (no payments, no card).</summary>
    private async Task<(StripeWorld World, string InvoiceId)> CheckoutAsync(bool stubPayment = true)
    {
        var w = await factory.SeedAsync();
        var invoiceId = "in_first_" + w.CustomerId;
        if (stubPayment)
            factory.StripeApi.Respond(HttpMethod.Get, "/v1/invoice_payments", _ => StripeEvents.InvoicePaymentList(invoiceId, "pi_" + w.CustomerId, 2000));
        await SendAsync("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, w.SubscriptionId));
        var subscription = StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1));
        subscription["default_payment_method"] = "pm_1Pgc75B7WZ01zgkWlHVgdEGJ";
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, subscription);
        var invoice = StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start, Start.AddMonths(1), Start);
        invoice["billing_reason"] = "subscription_create";
        invoice["default_payment_method"] = null;
        Assert.Null(invoice["payments"]); // as Stripe sends it: invoice.payments only when expanded
        await SendAsync("evt_p_" + w.CustomerId, "invoice.paid", Start, invoice);
        return (w, invoiceId);
    }

    [Fact]
    public async Task InvoicePaid_WithoutPaymentsInTheEvent_StoresThePaymentIntentAndTheCard()
    {
        var (w, invoiceId) = await CheckoutAsync();

        var request = factory.StripeApi.Requests.Last(r => r.Path == "/v1/invoice_payments");
        Assert.Contains($"invoice={invoiceId}", request.Query);
        Assert.Contains(Uri.EscapeDataString("data.payment.payment_intent.payment_method"), request.Query);
        await using var db = await factory.DbAsync();
        var payment = await db.Payments.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal("pi_" + w.CustomerId, payment.GatewayPaymentId);
        Assert.Equal("4242", payment.CardLast4);
        var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal(("visa", "4242", 8, 2030), (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear));
        var receipt = await db.Outbox.SingleAsync(o => o.MemberId == w.MemberId && o.Kind == "receipt");
        Assert.Contains("card ending 4242", receipt.TextBody);
    }

    /// <summary>The same paid invoice told again under a new event id records no second payment (revenue would count it twice).</summary>
    [Fact]
    public async Task InvoicePaid_TheSameInvoiceUnderANewEventId_RecordsOnePayment()
    {
        var (w, invoiceId) = await CheckoutAsync();
        var invoice = StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start, Start.AddMonths(1), Start);
        invoice["billing_reason"] = "subscription_create";
        await SendAsync("evt_p_again_" + w.CustomerId, "invoice.paid", Start.AddMinutes(1), invoice);

        await using var db = await factory.DbAsync();
        var payment = await db.Payments.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal((2000L, PaymentOutcome.Succeeded), (payment.AmountMinor, payment.Outcome));
        Assert.Equal(1, await db.Outbox.CountAsync(o => o.MemberId == w.MemberId && o.Kind == "receipt"));
    }

    [Fact]
    public async Task BillingPage_ActiveStripeMember_ShowsTheCardFromThePaidInvoice()
    {
        var (w, _) = await CheckoutAsync();
        var member = factory.CreateBrowserlessClient();
        await using (var db = await factory.DbAsync())
            await PortalFactory.LoginAsync(member, (await db.Users.SingleAsync(u => u.Id == w.MemberId)).Email!, "a long member passphrase");

        var html = WebUtility.HtmlDecode(await member.GetStringAsync("/account/billing"));

        Assert.Contains("visa ending 4242, expires 08/2030", html);
        Assert.DoesNotContain("No card on file", html);
    }

    [Fact]
    public async Task InvoicePaid_PaymentsExpandedInTheEvent_ReadsThePaymentWithoutAskingStripe()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));
        var invoice = StripeEvents.Invoice("in_exp_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start, Start.AddMonths(1), Start);
        var payment = StripeFixtures.Resource("invoice_payment");
        payment["is_default"] = true;
        payment["payment"] = new JsonObject { ["type"] = "charge", ["charge"] = "ch_" + w.CustomerId };
        invoice["payments"] = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(payment), ["has_more"] = false };
        var asked = factory.StripeApi.Requests.Count;

        await SendAsync("evt_exp_" + w.CustomerId, "invoice.paid", Start, invoice);

        Assert.Equal(asked, factory.StripeApi.Requests.Count);
        await using var db = await factory.DbAsync();
        Assert.Equal("ch_" + w.CustomerId, (await db.Payments.SingleAsync(p => p.MemberId == w.MemberId)).GatewayPaymentId);
    }

    [Fact]
    public async Task InvoicePaid_StripeCannotBeRead_RecordsThePaidInvoiceWithoutThePaymentId()
    {
        factory.StripeApi.Respond(HttpMethod.Get, "/v1/invoice_payments",
            _ => StubStripeApi.Error("invalid_request_error", "secret_key_required", "This key lacks the permission."), HttpStatusCode.Forbidden);
        var (w, invoiceId) = await CheckoutAsync(stubPayment: false);

        await using var db = await factory.DbAsync();
        Assert.Equal(InvoiceStatus.Paid, (await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId)).Status);
        Assert.Null((await db.Payments.SingleAsync(p => p.MemberId == w.MemberId)).GatewayPaymentId);
    }

    [Fact]
    public async Task CustomerUpdated_DefaultPaymentMethodAsAnId_FetchesTheCard()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, subscriptionId: null));
        var customer = StripeFixtures.Resource("customer");
        customer["id"] = w.CustomerId;
        customer["invoice_settings"]!["default_payment_method"] = "pm_1Pgc75B7WZ01zgkWlHVgdEGJ";
        var fetched = customer.DeepClone().AsObject();
        var method = StripeFixtures.Resource("payment_method");
        method["card"]!["last4"] = "0005";
        method["card"]!["exp_month"] = 11;
        method["card"]!["exp_year"] = 2031;
        fetched["invoice_settings"]!["default_payment_method"] = method;
        factory.StripeApi.Respond(HttpMethod.Get, $"/v1/customers/{w.CustomerId}", _ => fetched);

        await SendAsync("evt_cu_" + w.CustomerId, "customer.updated", Now, customer);

        var request = factory.StripeApi.Requests.Last(r => r.Path == $"/v1/customers/{w.CustomerId}");
        Assert.Contains(Uri.EscapeDataString("invoice_settings.default_payment_method"), request.Query);
        await using var db = await factory.DbAsync();
        var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal(("visa", "0005", 11, 2031), (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear));
    }
}
