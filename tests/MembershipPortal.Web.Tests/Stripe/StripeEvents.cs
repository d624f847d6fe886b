using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// Builds signed Stripe webhook deliveries from the fixture objects: our own event envelope (the fixture event has no
/// API version) and the Stripe-Signature header Stripe computes, <c>t={unix},v1={hex(HMAC-SHA256(secret, "{t}.{body}"))}</c>.
/// </summary>
public static class StripeEvents
{
    public const string ApiVersion = "2026-10-28.endive";

    public static string Envelope(string eventId, string type, DateTimeOffset created, JsonObject dataObject, string apiVersion = ApiVersion) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = dataObject },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        }.ToJsonString();

    public static string Signature(string secret, string payload, DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>The fixture subscription with one item, as our checkout creates it (member_id in the metadata).</summary>
    public static JsonObject Subscription(
        string id, string customerId, string? memberId, string priceId, string status, DateTimeOffset start, DateTimeOffset periodEnd,
        int quantity = 1, bool cancelAtPeriodEnd = false, DateTimeOffset? periodStart = null)
    {
        var sub = StripeFixtures.Resource("subscription");
        sub["id"] = id;
        sub["customer"] = customerId;
        sub["metadata"] = memberId is null ? new JsonObject() : new JsonObject { ["member_id"] = memberId };
        sub["status"] = status;
        sub["created"] = start.ToUnixTimeSeconds();
        sub["start_date"] = start.ToUnixTimeSeconds();
        sub["billing_cycle_anchor"] = start.ToUnixTimeSeconds();
        sub["cancel_at_period_end"] = cancelAtPeriodEnd;
        foreach (var field in new[] { "cancel_at", "canceled_at", "ended_at", "trial_start", "trial_end", "pause_collection", "pending_update", "next_pending_invoice_item_invoice" })
            sub[field] = null;

        var item = sub["items"]!["data"]![0]!.AsObject();
        item["id"] = "si_" + id[4..];
        item["subscription"] = id;
        item["quantity"] = quantity;
        item["price"]!["id"] = priceId;
        item["current_period_start"] = (periodStart ?? start).ToUnixTimeSeconds();
        item["current_period_end"] = periodEnd.ToUnixTimeSeconds();
        sub["items"]!["url"] = $"/v1/subscription_items?subscription={id}";
        return sub;
    }

    /// <summary>The fixture invoice as Stripe bills a subscription period: one subscription line, parent = the subscription.</summary>
    public static JsonObject Invoice(
        string id, string subscriptionId, string customerId, string? memberId, long amount, bool paid, int attemptCount,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset created)
    {
        var invoice = StripeFixtures.Resource("invoice");
        invoice["id"] = id;
        invoice["number"] = "PORTAL-" + id[^6..].ToUpperInvariant();
        invoice["customer"] = customerId;
        invoice["created"] = created.ToUnixTimeSeconds();
        invoice["billing_reason"] = "subscription_cycle";
        invoice["status"] = paid ? "paid" : "open";
        invoice["subtotal"] = amount;
        invoice["subtotal_excluding_tax"] = amount;
        invoice["total"] = amount;
        invoice["total_excluding_tax"] = amount;
        invoice["amount_due"] = amount;
        invoice["amount_paid"] = paid ? amount : 0;
        invoice["amount_remaining"] = paid ? 0 : amount;
        invoice["amount_overpaid"] = 0;
        invoice["attempt_count"] = attemptCount;
        invoice["attempted"] = attemptCount > 0;
        invoice["period_start"] = periodStart.ToUnixTimeSeconds();
        invoice["period_end"] = periodStart.ToUnixTimeSeconds();
        invoice["status_transitions"]!["paid_at"] = paid ? created.ToUnixTimeSeconds() : null;
        invoice["parent"] = new JsonObject
        {
            ["quote_details"] = null,
            ["subscription_details"] = new JsonObject
            {
                ["metadata"] = memberId is null ? null : new JsonObject { ["member_id"] = memberId },
                ["subscription"] = subscriptionId,
            },
            ["type"] = "subscription_details",
        };

        var line = invoice["lines"]!["data"]![0]!.AsObject();
        line["id"] = "il_" + id[3..];
        line["invoice"] = id;
        line["amount"] = amount;
        line["subtotal"] = amount;
        line["description"] = "1 × Pro (at $20.00 / month)";
        line["period"] = new JsonObject { ["start"] = periodStart.ToUnixTimeSeconds(), ["end"] = periodEnd.ToUnixTimeSeconds() };
        line["parent"] = new JsonObject
        {
            ["invoice_item_details"] = null,
            ["subscription_item_details"] = new JsonObject
            {
                ["invoice_item"] = null,
                ["proration"] = false,
                ["proration_details"] = null,
                ["subscription"] = subscriptionId,
                ["subscription_item"] = "si_" + subscriptionId[4..],
            },
            ["type"] = "subscription_item_details",
        };
        invoice["lines"]!["url"] = $"/v1/invoices/{id}/lines";
        return invoice;
    }

    /// <summary>A completed subscription-mode Checkout Session for the member (client_reference_id) and customer.</summary>
    public static JsonObject CheckoutSession(string id, string memberId, string customerId, string? subscriptionId, JsonObject? shippingAddress = null)
    {
        var session = StripeFixtures.Resource("checkout.session");
        session["id"] = id;
        session["mode"] = "subscription";
        session["status"] = "complete";
        session["payment_status"] = "paid";
        session["client_reference_id"] = memberId;
        session["customer"] = customerId;
        session["subscription"] = subscriptionId;
        session["payment_intent"] = null;
        session["url"] = null;
        session["collected_information"] = shippingAddress is null
            ? null
            : new JsonObject
            {
                ["business_name"] = null,
                ["individual_name"] = null,
                ["shipping_details"] = new JsonObject { ["address"] = shippingAddress, ["name"] = "Ada Member" },
            };
        return session;
    }

    /// <summary>
    /// GET /v1/invoice_payments?invoice=... as Stripe answers it with <c>data.payment.payment_intent.payment_method</c>
    /// expanded: the invoice's one paid payment, a PaymentIntent paid with the fixture card (visa 4242, 8/2030).
    /// </summary>
    public static JsonObject InvoicePaymentList(string invoiceId, string paymentIntentId, long amount)
    {
        var intent = StripeFixtures.Resource("payment_intent");
        intent["id"] = paymentIntentId;
        intent["amount"] = amount;
        intent["amount_received"] = amount;
        intent["status"] = "succeeded";
        intent["payment_method"] = StripeFixtures.Resource("payment_method");
        var payment = StripeFixtures.Resource("invoice_payment");
        payment["id"] = "inpay_" + invoiceId[3..];
        payment["invoice"] = invoiceId;
        payment["currency"] = "usd";
        payment["amount_paid"] = amount;
        payment["amount_requested"] = amount;
        payment["status"] = "paid";
        payment["is_default"] = true;
        payment["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = intent };
        return new JsonObject { ["object"] = "list", ["data"] = new JsonArray(payment), ["has_more"] = false, ["url"] = "/v1/invoice_payments" };
    }
}
