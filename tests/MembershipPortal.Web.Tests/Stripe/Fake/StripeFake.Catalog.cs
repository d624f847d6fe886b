using System.Net;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

// Customers, products, prices, coupons, Checkout and billing-portal sessions, payment methods, payment intents, charges
// and refunds.
public sealed partial class StripeFake
{
    private JsonObject CreateCustomer(JsonObject form)
    {
        var customer = StripeFixtures.Resource("customer");
        customer["id"] = NewId("cus");
        customer["created"] = UnixNow;
        customer["email"] = form.Text("email");
        customer["name"] = form.Text("name");
        customer["description"] = form.Text("description");
        customer["metadata"] = form.Metadata();
        customer["balance"] = 0;
        customer["delinquent"] = false;
        customer["default_source"] = null;
        customer["invoice_prefix"] = customer.Text("id")![^8..].ToUpperInvariant();
        customer["next_invoice_sequence"] = 1;
        customer["invoice_settings"]!["default_payment_method"] = null;
        Store("customer", customer);
        Emit("customer.created", customer);
        return customer;
    }

    private JsonObject UpdateCustomer(string id, JsonObject form)
    {
        var customer = Find(id, "customer");
        var before = customer.DeepClone().AsObject();
        foreach (var key in new[] { "email", "name", "description" })
            if (form.Text(key) is { } value)
                customer[key] = value;
        if (form["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata)
                customer["metadata"]![key] = value?.DeepClone();
        if (form["invoice_settings"]?.Text("default_payment_method") is { } pm)
            customer["invoice_settings"]!["default_payment_method"] = pm.Length == 0 ? null : Find(pm, "payment_method").Text("id");
        Emit("customer.updated", customer, Changes(before, customer));
        return customer;
    }

    private JsonObject CreateProduct(JsonObject form)
    {
        var id = form.Text("id") ?? NewId("prod");
        if (objects.ContainsKey(id))
            throw Invalid($"Product already exists.", "id", "resource_already_exists");
        var product = StripeFixtures.Resource("product");
        product["id"] = id;
        product["name"] = form.Text("name") ?? throw Invalid("Missing required param: name.", "name", "parameter_missing");
        product["description"] = form.Text("description") is { Length: > 0 } d ? d : null;
        product["metadata"] = form.Metadata();
        product["active"] = form.Bool("active") ?? true;
        product["created"] = UnixNow;
        product["updated"] = UnixNow;
        product["default_price"] = null;
        Store("product", product);
        Emit("product.created", product);
        return product;
    }

    private JsonObject UpdateProduct(string id, JsonObject form)
    {
        var product = Find(id, "product");
        var before = product.DeepClone().AsObject();
        if (form.Text("name") is { } name)
            product["name"] = name;
        if (form.Text("description") is { } description)
            product["description"] = description.Length == 0 ? null : description;
        if (form.Bool("active") is { } active)
            product["active"] = active;
        if (form["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata)
                product["metadata"]![key] = value?.DeepClone();
        product["updated"] = UnixNow;
        Emit("product.updated", product, Changes(before, product));
        return product;
    }

    private JsonObject CreatePrice(JsonObject form) => NewPrice(
        form.Text("product") ?? throw Invalid("Missing required param: product.", "product", "parameter_missing"),
        form.Long("unit_amount") ?? throw Invalid("Missing required param: unit_amount.", "unit_amount", "parameter_missing"),
        form.Text("currency") ?? "usd", form["recurring"] as JsonObject, form.Metadata(), active: true);

    private JsonObject NewPrice(string productId, long unitAmount, string currency, JsonObject? recurring, JsonObject metadata, bool active)
    {
        Find(productId, "product");
        var price = StripeFixtures.Resource("price");
        price["id"] = NewId("price");
        price["product"] = productId;
        price["unit_amount"] = unitAmount;
        price["unit_amount_decimal"] = unitAmount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        price["currency"] = currency.ToLowerInvariant();
        price["metadata"] = metadata;
        price["active"] = active;
        price["created"] = UnixNow;
        price["type"] = recurring is null ? "one_time" : "recurring";
        price["recurring"] = recurring is null ? null : new JsonObject
        {
            ["interval"] = recurring.Text("interval") ?? "month",
            ["interval_count"] = recurring.Long("interval_count") ?? 1,
            ["meter"] = null,
            ["usage_type"] = "licensed",
            ["trial_period_days"] = null,
        };
        Store("price", price);
        Emit("price.created", price);
        return price;
    }

    private JsonObject UpdatePrice(string id, JsonObject form)
    {
        var price = Find(id, "price");
        var before = price.DeepClone().AsObject();
        if (form.Bool("active") is { } active)
            price["active"] = active;
        if (form["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata)
                price["metadata"]![key] = value?.DeepClone();
        Emit("price.updated", price, Changes(before, price));
        return price;
    }

    private JsonObject CreateCoupon(JsonObject form)
    {
        var id = form.Text("id") ?? NewId("co")[3..];
        if (objects.ContainsKey(id))
            throw Invalid("Coupon already exists.", "id", "resource_already_exists");
        var percent = form.Decimal("percent_off");
        var amount = form.Long("amount_off");
        if (percent is null == amount is null)
            throw Invalid("You must pass exactly one of percent_off or amount_off.", "percent_off", "parameter_invalid_empty");
        var coupon = StripeFixtures.Resource("coupon");
        coupon["id"] = id;
        coupon["name"] = form.Text("name");
        coupon["percent_off"] = percent;
        coupon["amount_off"] = amount;
        coupon["currency"] = amount is null ? null : form.Text("currency");
        coupon["duration"] = form.Text("duration") ?? "once";
        coupon["duration_in_months"] = form.Long("duration_in_months");
        coupon["redeem_by"] = form.Long("redeem_by");
        coupon["metadata"] = form.Metadata();
        coupon["created"] = UnixNow;
        coupon["times_redeemed"] = 0;
        coupon["valid"] = true;
        if (form["applies_to"]?["products"] is JsonArray products)
            coupon["applies_to"] = new JsonObject { ["products"] = products.DeepClone() };
        Store("coupon", coupon);
        Emit("coupon.created", coupon);
        return coupon;
    }

    private JsonObject CreateCheckoutSession(JsonObject form)
    {
        var mode = form.Text("mode") ?? throw Invalid("Missing required param: mode.", "mode", "parameter_missing");
        if (!form.Items("line_items").Any())
            throw Invalid("Missing required param: line_items.", "line_items", "parameter_missing");
        foreach (var line in form.Items("line_items"))
            if (line.Text("price") is { } priceId && !Find(priceId, "price")["active"]!.GetValue<bool>())
                throw Invalid($"The price specified is inactive. This field only accepts active prices.", "line_items[0][price]", "price_inactive");
        var session = StripeFixtures.Resource("checkout.session");
        var id = "cs_test_" + NewId("cs")[3..];
        session["id"] = id;
        session["mode"] = mode;
        session["status"] = "open";
        session["payment_status"] = "unpaid";
        session["customer"] = form.Text("customer");
        session["customer_email"] = form.Text("customer_email");
        session["client_reference_id"] = form.Text("client_reference_id");
        session["metadata"] = form.Metadata();
        session["success_url"] = form.Text("success_url");
        session["cancel_url"] = form.Text("cancel_url");
        session["created"] = UnixNow;
        session["expires_at"] = UnixNow + 24 * 3600;
        session["payment_intent"] = null;
        session["subscription"] = null;
        session["invoice"] = null;
        session["collected_information"] = null;
        session["shipping_cost"] = null;
        session["shipping_address_collection"] = form["shipping_address_collection"] is JsonObject shipping
            ? new JsonObject { ["allowed_countries"] = shipping["allowed_countries"]?.DeepClone() }
            : null;
        session["url"] = $"{CheckoutPageBase}{id}";
        sessionRequests[id] = form;
        return Store("checkout.session", session);
    }

    private JsonObject CreatePortalSession(JsonObject form)
    {
        var session = StripeFixtures.Resource("billing_portal.session");
        session["id"] = NewId("bps");
        session["customer"] = Find(form.Text("customer") ?? "", "customer").Text("id");
        session["return_url"] = form.Text("return_url");
        session["created"] = UnixNow;
        session["url"] = $"{BillingPortalPageBase}{session.Text("id")}";
        return session;
    }

    /// <summary>A card payment method for the customer (the fixture's Visa 4242, 8/2030), attached.</summary>
    private JsonObject NewCard(string customerId)
    {
        var card = StripeFixtures.Resource("payment_method");
        card["id"] = NewId("pm");
        card["customer"] = customerId;
        card["created"] = UnixNow;
        Store("payment_method", card);
        Emit("payment_method.attached", card);
        return card;
    }

    /// <summary>
    /// Charges <paramref name="amount"/> on the card: a PaymentIntent and its charge, succeeded or (a declining customer)
    /// failed with Stripe's card_declined.
    /// </summary>
    private JsonObject Charge(string customerId, string? paymentMethodId, long amount, string currency, string? description)
    {
        var declines = decliningCustomers.Contains(customerId) || paymentMethodId is null;
        var intent = StripeFixtures.Resource("payment_intent");
        intent["id"] = NewId("pi");
        intent["client_secret"] = $"{intent.Text("id")}_secret_fake";
        intent["amount"] = amount;
        intent["currency"] = currency;
        intent["customer"] = customerId;
        intent["description"] = description;
        intent["payment_method"] = paymentMethodId;
        intent["created"] = UnixNow;
        intent["canceled_at"] = null;
        intent["next_action"] = null;
        intent["processing"] = null;
        intent["transfer_data"] = null;
        intent["shipping"] = null;
        intent["payment_method_configuration_details"] = null;

        var charge = StripeFixtures.Resource("charge");
        charge["id"] = NewId("ch");
        charge["amount"] = amount;
        charge["amount_captured"] = declines ? 0 : amount;
        charge["amount_refunded"] = 0;
        charge["refunded"] = false;
        charge["captured"] = !declines;
        charge["paid"] = !declines;
        charge["status"] = declines ? "failed" : "succeeded";
        charge["failure_code"] = declines ? "card_declined" : null;
        charge["failure_message"] = declines ? "Your card was declined." : null;
        charge["currency"] = currency;
        charge["customer"] = customerId;
        charge["payment_intent"] = intent.Text("id");
        charge["payment_method"] = paymentMethodId;
        charge["created"] = UnixNow;
        charge["description"] = description;
        Store("charge", charge);

        intent["latest_charge"] = charge.Text("id");
        if (declines)
        {
            intent["status"] = "requires_payment_method";
            intent["amount_received"] = 0;
            intent["last_payment_error"] = new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = "card_declined",
                ["decline_code"] = "generic_decline",
                ["message"] = "Your card was declined.",
                ["charge"] = charge.Text("id"),
            };
        }
        else
        {
            intent["status"] = "succeeded";
            intent["amount_received"] = amount;
            intent["last_payment_error"] = null;
        }
        Store("payment_intent", intent);
        Emit(declines ? "charge.failed" : "charge.succeeded", charge);
        Emit(declines ? "payment_intent.payment_failed" : "payment_intent.succeeded", intent);
        return intent;
    }

    private JsonObject CreatePaymentIntent(JsonObject form)
    {
        var customerId = form.Text("customer") ?? throw Invalid("Missing required param: customer.", "customer", "parameter_missing");
        Find(customerId, "customer");
        var amount = form.Long("amount") ?? throw Invalid("Missing required param: amount.", "amount", "parameter_missing");
        if (amount < 50)
            throw Invalid("Amount must be at least $0.50 usd", "amount", "amount_too_small");
        var pm = form.Text("payment_method");
        if (pm is not null)
            Find(pm, "payment_method");
        var intent = Charge(customerId, pm, amount, form.Text("currency") ?? "usd", form.Text("description"));
        intent["metadata"] = form.Metadata();
        if (intent.Text("status") != "succeeded" && form.Bool("confirm") == true)
        {
            var error = Error("card_error", "card_declined", "Your card was declined.", declineCode: "generic_decline");
            error["error"]!["payment_intent"] = intent.DeepClone();
            throw new FakeStripeError(HttpStatusCode.PaymentRequired, error);
        }
        return intent;
    }

    private JsonObject CreateRefund(JsonObject form)
    {
        JsonObject charge;
        if (form.Text("payment_intent") is { } pi)
            charge = Find(Find(pi, "payment_intent").Text("latest_charge") ?? "", "charge");
        else if (form.Text("charge") is { } ch)
            charge = Find(ch, "charge");
        else
            throw Invalid("One of the following params should be provided for this request: payment_intent or charge.", "charge", "parameter_missing");
        if (charge.Text("status") != "succeeded")
            throw Invalid($"Charge {charge.Text("id")} has not been paid; there is nothing to refund.", "charge", "charge_not_refundable");
        var left = charge["amount"].L() - charge["amount_refunded"].L();
        var amount = form.Long("amount") ?? left;
        if (left == 0)
            throw Invalid($"Charge {charge.Text("id")} has already been refunded.", "charge", "charge_already_refunded");
        if (amount <= 0 || amount > left)
            throw Invalid($"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})", "amount", "amount_too_large");
        var refund = StripeFixtures.Resource("refund");
        refund["id"] = NewId("re");
        refund["amount"] = amount;
        refund["charge"] = charge.Text("id");
        refund["payment_intent"] = charge.Text("payment_intent");
        refund["currency"] = charge.Text("currency");
        refund["created"] = UnixNow;
        refund["metadata"] = form.Metadata();
        refund["reason"] = form.Text("reason");
        refund["status"] = "succeeded";
        refund["customer"] = charge.Text("customer");
        Store("refund", refund);
        var before = charge.DeepClone().AsObject();
        charge["amount_refunded"] = charge["amount_refunded"].L() + amount;
        charge["refunded"] = amount == left;
        Emit("refund.created", refund);
        Emit("charge.refunded", charge, Changes(before, charge));
        return refund;
    }
}
