using System.Net;
using System.Text.Json.Nodes;
using Stripe;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

// Subscriptions, discounts, invoices, invoice items, and what Stripe's billing engine does on its own (Checkout
// completion, renewals, retries, period-end cancellations), run by the test as Stripe's test clocks would.
public sealed partial class StripeFake
{
    // ---- the "dashboard": what the test does as Stripe, or as someone in Stripe's dashboard ----

    /// <summary>A Stripe.net client on this fake, for tests acting in Stripe's dashboard (outside the portal).</summary>
    public StripeClient DashboardClient() => new(new StripeClientOptions
    {
        ApiKey = "sk_test_dashboard",
        ApiBase = "http://stripe.invalid",
        HttpClient = new SystemNetHttpClient(new HttpClient(this, disposeHandler: false), maxNetworkRetries: 0),
    });

    /// <summary>The member pays on Stripe's Checkout page: subscription, first invoice paid, session complete. Returns the subscription id.</summary>
    public string CompleteCheckout(string sessionId, JsonObject? shippingAddress = null, string? email = null)
    {
        lock (gate)
        {
            var session = Find(sessionId, "checkout.session");
            if (session.Text("status") != "open")
                throw new InvalidOperationException($"Checkout session {sessionId} is {session.Text("status")}.");
            var form = sessionRequests[sessionId];
            var customerId = session.Text("customer") ?? CreateCustomer(new JsonObject { ["email"] = email ?? session.Text("customer_email") }).Text("id")!;
            // Checkout saves the card on the subscription; the fake also makes it the customer's default, as the portal's
            // billing page and off-session charges look there.
            var card = NewCard(customerId);
            UpdateCustomer(customerId, new JsonObject { ["invoice_settings"] = new JsonObject { ["default_payment_method"] = card.Text("id") } });

            var recurring = new List<(JsonObject Price, long Quantity)>();
            var oneTime = new List<(JsonObject Price, long Quantity)>();
            foreach (var line in form.Items("line_items"))
            {
                var quantity = line.Long("quantity") ?? 1;
                var price = line.Text("price") is { } priceId
                    ? Find(priceId, "price")
                    : NewPrice(line["price_data"].Text("product")!, line["price_data"].Long("unit_amount")!.Value, line["price_data"].Text("currency") ?? "usd",
                        line["price_data"]!["recurring"] as JsonObject, new JsonObject(), active: false);
                (price.Text("type") == "recurring" ? recurring : oneTime).Add((price, quantity));
            }
            var data = form["subscription_data"];
            var coupon = form.Items("discounts").Select(d => d.Text("coupon")).FirstOrDefault(c => c is not null);
            var subscription = NewSubscription(customerId, recurring, data.Metadata(), coupon, data.Long("trial_period_days"), card.Text("id"), oneTime);

            var before = session.DeepClone().AsObject();
            session["status"] = "complete";
            session["customer"] = customerId;
            session["subscription"] = subscription.Text("id");
            session["invoice"] = subscription.Text("latest_invoice");
            session["payment_status"] = subscription.Text("status") == "trialing" ? "no_payment_required" : "paid";
            var invoice = Find(subscription.Text("latest_invoice")!, "invoice");
            session["amount_subtotal"] = invoice["subtotal"]!.DeepClone();
            session["amount_total"] = invoice["total"]!.DeepClone();
            session["currency"] = invoice.Text("currency");
            session["url"] = null;
            if (shippingAddress is not null)
                session["collected_information"] = new JsonObject
                {
                    ["business_name"] = null,
                    ["individual_name"] = null,
                    ["shipping_details"] = new JsonObject { ["address"] = shippingAddress.DeepClone(), ["name"] = "Ada Member" },
                };
            Emit("checkout.session.completed", session, Changes(before, session));
            return subscription.Text("id")!;
        }
    }

    /// <summary>A card for the customer, made their default (as when they add one in the billing portal).</summary>
    public string AddCard(string customerId)
    {
        lock (gate)
        {
            var card = NewCard(customerId);
            UpdateCustomer(customerId, new JsonObject { ["invoice_settings"] = new JsonObject { ["default_payment_method"] = card.Text("id") } });
            return card.Text("id")!;
        }
    }

    /// <summary>
    /// What Stripe does when the clock passes period ends: ends subscriptions set to cancel, converts trials, renews the
    /// rest (a new period, an invoice with pending invoice items, charged to the card), and lifts paused collection whose
    /// resume date came. Returns how many subscriptions moved.
    /// </summary>
    public int AdvanceBilling()
    {
        lock (gate)
        {
            var moved = 0;
            foreach (var id in byKind.GetValueOrDefault("subscription", []).ToList())
            {
                var sub = objects[id];
                if (sub["pause_collection"] is JsonObject pause && pause.Long("resumes_at") is { } resumes && resumes <= UnixNow)
                {
                    var paused = sub.DeepClone().AsObject();
                    sub["pause_collection"] = null;
                    Emit("customer.subscription.updated", sub, Changes(paused, sub));
                }
                if (sub.Text("status") is not ("active" or "trialing" or "past_due") || PeriodEnd(sub) > UnixNow)
                    continue;
                moved++;
                if (sub["cancel_at_period_end"]!.GetValue<bool>() || sub.Long("cancel_at") is { } at && at <= UnixNow)
                {
                    End(sub, "cancellation_requested");
                    continue;
                }
                Renew(sub);
            }
            return moved;
        }
    }

    /// <summary>
    /// Ends the subscription's current period now and bills the next one (or ends it, if set to cancel): a renewal on
    /// demand for the standalone server, whose clock is the real one.
    /// </summary>
    public void RenewNow(string subscriptionId)
    {
        lock (gate)
        {
            var sub = Find(subscriptionId, "subscription");
            foreach (var item in sub["items"]!["data"]!.AsArray().OfType<JsonObject>())
                item["current_period_end"] = UnixNow;
            AdvanceBilling();
        }
    }

    /// <summary>
    /// What Stripe's own settings do to a subscription with no API call of ours: dunning giving up (unpaid), a trial ending
    /// without a payment method (paused), a first payment never made (incomplete_expired, which also ends it).
    /// </summary>
    public void SetStatus(string subscriptionId, string status)
    {
        lock (gate)
        {
            var sub = Find(subscriptionId, "subscription");
            var before = sub.DeepClone().AsObject();
            sub["status"] = status;
            if (status == "incomplete_expired")
            {
                sub["ended_at"] = UnixNow;
                Emit("customer.subscription.deleted", sub);
                return;
            }
            Emit(status == "paused" ? "customer.subscription.paused" : "customer.subscription.updated", sub, Changes(before, sub));
        }
    }

    /// <summary>Stripe's automatic retry of an open invoice: paid → the subscription is active again.</summary>
    public bool RetryInvoice(string invoiceId)
    {
        lock (gate)
            return Collect(Find(invoiceId, "invoice"));
    }

    // ---- subscriptions ----

    private static long PeriodEnd(JsonObject sub) => sub["items"]!["data"]!.AsArray().Max(i => i!["current_period_end"].L());

    private static long PeriodStart(JsonObject sub) => sub["items"]!["data"]!.AsArray().Min(i => i!["current_period_start"].L());

    private static long Next(long from, JsonObject price)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(from);
        var count = (int)(price["recurring"].Long("interval_count") ?? 1);
        return (price["recurring"].Text("interval") switch
        {
            "day" => start.AddDays(count),
            "week" => start.AddDays(7 * count),
            "year" => start.AddYears(count),
            _ => start.AddMonths(count),
        }).ToUnixTimeSeconds();
    }

    private JsonObject NewItem(string subscriptionId, JsonObject price, long quantity, long periodStart, long periodEnd)
    {
        var item = StripeFixtures.Resource("subscription_item");
        item["id"] = NewId("si");
        item["subscription"] = subscriptionId;
        item["price"] = price.DeepClone();
        item["plan"] = null;
        item["quantity"] = quantity;
        item["created"] = UnixNow;
        item["current_period_start"] = periodStart;
        item["current_period_end"] = periodEnd;
        item["metadata"] = new JsonObject();
        item["discounts"] = new JsonArray();
        item["tax_rates"] = new JsonArray();
        item["billing_thresholds"] = null;
        return item;
    }

    private JsonObject NewSubscription(
        string customerId, List<(JsonObject Price, long Quantity)> items, JsonObject metadata, string? couponId, long? trialDays, string? paymentMethodId,
        List<(JsonObject Price, long Quantity)>? firstInvoiceOnly = null)
    {
        if (items.Count == 0)
            throw Invalid("Missing required param: items.", "items", "parameter_missing");
        var sub = StripeFixtures.Resource("subscription");
        var id = NewId("sub");
        var start = UnixNow;
        var trialEnd = trialDays is > 0 ? start + trialDays.Value * 86400 : (long?)null;
        sub["id"] = id;
        sub["customer"] = customerId;
        sub["metadata"] = metadata;
        sub["created"] = start;
        sub["start_date"] = start;
        sub["billing_cycle_anchor"] = trialEnd ?? start;
        sub["currency"] = items[0].Price.Text("currency");
        sub["cancel_at_period_end"] = false;
        foreach (var field in new[] { "cancel_at", "canceled_at", "ended_at", "pause_collection", "pending_update", "next_pending_invoice_item_invoice", "schedule", "test_clock", "default_source", "description", "latest_invoice", "transfer_data", "on_behalf_of", "application", "application_fee_percent", "pending_setup_intent", "billing_thresholds", "days_until_due" })
            sub[field] = null;
        sub["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = null };
        sub["trial_start"] = trialEnd is null ? null : start;
        sub["trial_end"] = trialEnd;
        sub["default_payment_method"] = paymentMethodId;
        sub["collection_method"] = "charge_automatically";
        sub["discounts"] = new JsonArray();
        sub["items"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. items.Select(i => (JsonNode)NewItem(id, i.Price, i.Quantity, start, trialEnd ?? Next(start, i.Price)))]),
            ["has_more"] = false,
            ["total_count"] = items.Count,
            ["url"] = $"/v1/subscription_items?subscription={id}",
        };
        Store("subscription", sub);
        if (couponId is not null)
            sub["discounts"]!.AsArray().Add(NewDiscount(sub, couponId).Text("id"));

        var invoice = NewInvoice(sub, "subscription_create",
            [.. SubscriptionLines(sub, trialEnd is not null), .. (firstInvoiceOnly ?? []).Select(l => OneTimeLine(l.Price, l.Quantity))]);
        var paid = Pay(invoice);
        sub["status"] = trialEnd is not null ? "trialing" : paid ? "active" : "incomplete";
        Emit("customer.subscription.created", sub);
        EmitInvoice(invoice, paid);
        return sub;
    }

    private JsonObject NewDiscount(JsonObject sub, string couponId)
    {
        var coupon = Find(couponId, "coupon");
        var discount = StripeFixtures.Resource("discount");
        discount["id"] = NewId("di");
        discount["customer"] = sub.Text("customer");
        discount["subscription"] = sub.Text("id");
        discount["start"] = UnixNow;
        discount["end"] = coupon.Text("duration") == "repeating"
            ? DateTimeOffset.FromUnixTimeSeconds(UnixNow).AddMonths((int)(coupon.Long("duration_in_months") ?? 1)).ToUnixTimeSeconds()
            : null;
        discount["source"] = new JsonObject { ["coupon"] = couponId, ["type"] = "coupon" };
        coupon["times_redeemed"] = coupon["times_redeemed"].L() + 1;
        return Store("discount", discount);
    }

    private JsonObject CreateSubscription(JsonObject form)
    {
        var customerId = form.Text("customer") ?? throw Invalid("Missing required param: customer.", "customer", "parameter_missing");
        var customer = Find(customerId, "customer");
        var items = form.Items("items").Select(i => (Find(i.Text("price") ?? "", "price"), i.Long("quantity") ?? 1)).ToList();
        var coupon = form.Items("discounts").Select(d => d.Text("coupon")).FirstOrDefault(c => c is not null);
        var pm = form.Text("default_payment_method") ?? customer["invoice_settings"].Text("default_payment_method");
        return NewSubscription(customerId, items, form.Metadata(), coupon, form.Long("trial_period_days"), pm);
    }

    private JsonObject UpdateSubscription(string id, JsonObject form)
    {
        var sub = Find(id, "subscription");
        if (sub.Text("status") is "canceled" or "incomplete_expired")
            throw Invalid($"A canceled subscription can only update its cancellation_details and metadata.", null, null);
        var before = sub.DeepClone().AsObject();
        var items = sub["items"]!["data"]!.AsArray();
        var prorations = new List<JsonObject>();
        var behavior = form.Text("proration_behavior") ?? "create_prorations";
        var (periodStart, periodEnd) = (PeriodStart(sub), PeriodEnd(sub));
        var share = periodEnd > periodStart ? (decimal)(periodEnd - UnixNow) / (periodEnd - periodStart) : 0m;
        foreach (var change in form.Items("items"))
        {
            var existing = change.Text("id") is { } itemId
                ? items.OfType<JsonObject>().FirstOrDefault(i => i.Text("id") == itemId)
                    ?? throw Invalid($"No such subscription item: '{itemId}'", "items", "resource_missing")
                : null;
            if (existing is not null)
                prorations.Add(ProrationLine(sub, existing, -1, share));
            if (change.Bool("deleted") == true)
            {
                if (existing is not null)
                    items.Remove(existing);
                continue;
            }
            var price = change.Text("price") is { } priceId ? Find(priceId, "price")
                : change["price_data"] is JsonObject data
                ? NewPrice(data.Text("product") ?? throw Invalid("Missing required param: items[0][price_data][product].", "items", "parameter_missing"),
                    data.Long("unit_amount") ?? 0, data.Text("currency") ?? "usd", data["recurring"] as JsonObject, new JsonObject(), active: false)
                : existing?["price"]!.AsObject()
                ?? throw Invalid("Missing required param: items[0][price].", "items", "parameter_missing");
            if (existing is null)
            {
                existing = NewItem(id, price, change.Long("quantity") ?? 1, periodStart, periodEnd);
                items.Add(existing);
            }
            else
            {
                existing["price"] = price.DeepClone();
                if (change.Long("quantity") is { } quantity)
                    existing["quantity"] = quantity;
            }
            prorations.Add(ProrationLine(sub, existing, 1, share));
        }
        if (items.Count == 0)
            throw Invalid("A subscription must have at least one active plan.", "items", null);
        sub["items"]!["total_count"] = items.Count;

        if (form.Bool("cancel_at_period_end") is { } cancel)
        {
            sub["cancel_at_period_end"] = cancel;
            sub["canceled_at"] = cancel ? UnixNow : null;
            sub["cancel_at"] = cancel ? PeriodEnd(sub) : null;
        }
        if (form.ContainsKey("pause_collection"))
            sub["pause_collection"] = form["pause_collection"] is JsonObject pause
                ? new JsonObject { ["behavior"] = pause.Text("behavior") ?? "void", ["resumes_at"] = pause.Long("resumes_at") }
                : null;
        if (form.ContainsKey("discounts"))
        {
            var discounts = new JsonArray();
            foreach (var d in form.Items("discounts"))
                if (d.Text("coupon") is { } coupon)
                    discounts.Add(NewDiscount(sub, coupon).Text("id"));
                else if (d.Text("discount") is { } existing)
                    discounts.Add(existing);
            sub["discounts"] = discounts;
        }
        if (form["metadata"] is JsonObject metadata)
            foreach (var (key, value) in metadata)
                sub["metadata"]![key] = value?.DeepClone();
        if (form.Text("default_payment_method") is { } pm)
            sub["default_payment_method"] = pm;
        if (form["cancellation_details"] is JsonObject details)
            sub["cancellation_details"] = new JsonObject { ["comment"] = details.Text("comment"), ["feedback"] = details.Text("feedback"), ["reason"] = null };

        prorations.RemoveAll(l => l["amount"].L() == 0);
        JsonObject? invoice = null;
        if (behavior == "always_invoice" && prorations.Count > 0)
            invoice = NewInvoice(sub, "subscription_update", prorations);
        else if (behavior == "create_prorations")
            foreach (var line in prorations)
                PendingItem(sub, line["amount"].L(), line.Text("description")!, proration: true);
        var paid = invoice is not null && Pay(invoice);
        if (invoice is not null)
            sub["latest_invoice"] = invoice.Text("id");
        Emit("customer.subscription.updated", sub, Changes(before, sub));
        if (invoice is not null)
            EmitInvoice(invoice, paid);
        return sub;
    }

    private JsonObject CancelSubscription(string id, JsonObject form)
    {
        var sub = Find(id, "subscription");
        if (sub.Text("status") == "canceled")
            throw Invalid($"This subscription has already been canceled: {id}", null, "resource_missing");
        End(sub, "cancellation_requested", form["cancellation_details"]);
        return sub;
    }

    private void End(JsonObject sub, string reason, JsonNode? details = null)
    {
        sub["status"] = "canceled";
        sub["canceled_at"] ??= UnixNow;
        sub["ended_at"] = UnixNow;
        sub["cancellation_details"] = new JsonObject
        {
            ["comment"] = details.Text("comment"),
            ["feedback"] = details.Text("feedback"),
            ["reason"] = reason,
        };
        Emit("customer.subscription.deleted", sub);
    }

    private void Renew(JsonObject sub)
    {
        var before = sub.DeepClone().AsObject();
        var wasTrial = sub.Text("status") == "trialing";
        foreach (var item in sub["items"]!["data"]!.AsArray().OfType<JsonObject>())
        {
            var end = item["current_period_end"].L();
            item["current_period_start"] = end;
            item["current_period_end"] = Next(end, item["price"]!.AsObject());
        }
        if (wasTrial)
            sub["status"] = "active";
        Emit("customer.subscription.updated", sub, Changes(before, sub));

        var invoice = NewInvoice(sub, "subscription_cycle", [.. SubscriptionLines(sub, trial: false), .. TakePendingItems(sub)]);
        if (sub["pause_collection"] is JsonObject)
        {
            invoice["status"] = "void";
            invoice["status_transitions"]!["voided_at"] = UnixNow;
            Emit("invoice.created", invoice);
            Emit("invoice.voided", invoice);
            return;
        }
        var paid = Pay(invoice);
        EmitInvoice(invoice, paid);
        SetStatusAfterPayment(sub, paid);
    }

    private void SetStatusAfterPayment(JsonObject sub, bool paid)
    {
        var status = paid ? "active" : "past_due";
        if (sub.Text("status") == status || sub.Text("status") == "canceled")
            return;
        var before = sub.DeepClone().AsObject();
        sub["status"] = status;
        Emit("customer.subscription.updated", sub, Changes(before, sub));
    }

    // ---- invoices ----

    private static string? SubscriptionOf(JsonObject invoice) => invoice["parent"]?["subscription_details"].Text("subscription");

    private IEnumerable<JsonObject> SubscriptionLines(JsonObject sub, bool trial) =>
        sub["items"]!["data"]!.AsArray().OfType<JsonObject>().Select(item =>
        {
            var price = item["price"]!.AsObject();
            var quantity = item["quantity"].L();
            var amount = trial ? 0 : price["unit_amount"].L() * quantity;
            var name = objects.TryGetValue(price.Text("product")!, out var product) ? product.Text("name") : "Item";
            return Line(amount, trial ? $"Trial period for {name}" : $"{quantity} × {name}", quantity, item["current_period_start"].L(),
                item["current_period_end"].L(), price, sub.Text("id"), item.Text("id"), proration: false);
        });

    private JsonObject OneTimeLine(JsonObject price, long quantity) =>
        Line(price["unit_amount"].L() * quantity, $"{quantity} × {(objects.TryGetValue(price.Text("product")!, out var p) ? p.Text("name") : "Item")}",
            quantity, UnixNow, UnixNow, price, null, null, proration: false);

    private JsonObject ProrationLine(JsonObject sub, JsonObject item, int sign, decimal share)
    {
        var price = item["price"]!.AsObject();
        var quantity = item["quantity"].L();
        var amount = sign * (long)Math.Round(price["unit_amount"].L() * quantity * share, MidpointRounding.AwayFromZero);
        var name = objects.TryGetValue(price.Text("product")!, out var product) ? product.Text("name") : "Item";
        return Line(amount, sign < 0 ? $"Unused time on {quantity} × {name}" : $"Remaining time on {quantity} × {name}", quantity, UnixNow, PeriodEnd(sub),
            price, sub.Text("id"), item.Text("id"), proration: true);
    }

    private JsonObject Line(long amount, string description, long quantity, long start, long end, JsonObject? price, string? subscriptionId, string? itemId, bool proration)
    {
        var line = StripeFixtures.Resource("invoice")["lines"]!["data"]![0]!.DeepClone().AsObject();
        line["id"] = NewId("il");
        line["amount"] = amount;
        line["subtotal"] = amount;
        line["currency"] = price?.Text("currency") ?? "usd";
        line["description"] = description;
        line["quantity"] = quantity;
        line["quantity_decimal"] = null;
        line["period"] = new JsonObject { ["start"] = start, ["end"] = end };
        line["subscription"] = subscriptionId;
        line["discount_amounts"] = new JsonArray();
        line["discounts"] = new JsonArray();
        line["metadata"] = new JsonObject();
        line["taxes"] = new JsonArray();
        line["pricing"] = new JsonObject
        {
            ["price_details"] = price is null ? null : new JsonObject { ["price"] = price.Text("id"), ["product"] = price.Text("product") },
            ["type"] = "price_details",
            ["unit_amount_decimal"] = price?["unit_amount_decimal"]?.DeepClone(),
        };
        line["parent"] = itemId is null
            ? new JsonObject
            {
                ["invoice_item_details"] = new JsonObject { ["invoice_item"] = null, ["proration"] = proration, ["proration_details"] = null, ["subscription"] = subscriptionId },
                ["subscription_item_details"] = null,
                ["type"] = "invoice_item_details",
            }
            : new JsonObject
            {
                ["invoice_item_details"] = null,
                ["subscription_item_details"] = new JsonObject
                {
                    ["invoice_item"] = null,
                    ["proration"] = proration,
                    ["proration_details"] = null,
                    ["subscription"] = subscriptionId,
                    ["subscription_item"] = itemId,
                },
                ["type"] = "subscription_item_details",
            };
        return line;
    }

    /// <summary>A finalized (open) invoice for the subscription, its discounts applied. Not paid yet and no event yet.</summary>
    private JsonObject NewInvoice(JsonObject sub, string billingReason, List<JsonObject> lines)
    {
        var customer = Find(sub.Text("customer")!, "customer");
        var invoice = StripeFixtures.Resource("invoice");
        var id = NewId("in");
        var sequenceNumber = customer.Long("next_invoice_sequence") ?? 1;
        customer["next_invoice_sequence"] = sequenceNumber + 1;
        invoice["id"] = id;
        invoice["number"] = $"{customer.Text("invoice_prefix")}-{sequenceNumber:D4}";
        invoice["customer"] = customer.Text("id");
        invoice["customer_email"] = customer.Text("email");
        invoice["customer_name"] = customer.Text("name");
        invoice["currency"] = sub.Text("currency");
        invoice["created"] = UnixNow;
        invoice["effective_at"] = UnixNow;
        invoice["billing_reason"] = billingReason;
        invoice["collection_method"] = "charge_automatically";
        invoice["subscription"] = null;
        invoice["metadata"] = new JsonObject();
        invoice["description"] = null;
        invoice["default_payment_method"] = null;
        invoice["default_source"] = null;
        invoice["hosted_invoice_url"] = $"https://invoice.stripe.com/i/{id}";
        invoice["invoice_pdf"] = $"https://pay.stripe.com/invoice/{id}/pdf";
        invoice["parent"] = new JsonObject
        {
            ["quote_details"] = null,
            ["subscription_details"] = new JsonObject { ["metadata"] = sub["metadata"]!.DeepClone(), ["subscription"] = sub.Text("id") },
            ["type"] = "subscription_details",
        };
        foreach (var line in lines)
        {
            line["invoice"] = id;
            if (line["parent"]?["invoice_item_details"].Text("invoice_item") is { } invoiceItem)
                objects[invoiceItem]["invoice"] = id;
        }

        // Discounts: the subscription's, while they last ("once" coupons on one invoice only), on the lines they apply to.
        var discountTotals = new JsonArray();
        var discountIds = new JsonArray();
        foreach (var discountId in sub["discounts"]!.AsArray().Select(d => d!.GetValue<string>()))
        {
            var discount = objects[discountId];
            var coupon = objects[discount["source"].Text("coupon")!];
            if (discount.Long("end") is { } end && end <= UnixNow || coupon.Text("duration") == "once" && usedOnceDiscounts.Contains(discountId))
                continue;
            var products = coupon["applies_to"]?["products"]?.AsArray().Select(p => p!.GetValue<string>()).ToHashSet();
            var eligible = lines.Where(l => l["amount"].L() > 0 && (products is null || products.Contains(l["pricing"]!["price_details"]?.Text("product") ?? ""))).ToList();
            var amount = 0L;
            foreach (var line in eligible)
            {
                var off = coupon.Decimal("percent_off") is { } percent
                    ? (long)Math.Round(line["amount"].L() * percent / 100m, MidpointRounding.AwayFromZero)
                    : Math.Min(line["amount"].L(), (coupon.Long("amount_off") ?? 0) - amount);
                if (off <= 0)
                    continue;
                line["discount_amounts"]!.AsArray().Add(new JsonObject { ["amount"] = off, ["discount"] = discountId });
                line["discounts"]!.AsArray().Add(discountId);
                amount += off;
            }
            if (amount == 0)
                continue;
            if (coupon.Text("duration") == "once")
                usedOnceDiscounts.Add(discountId);
            discountTotals.Add(new JsonObject { ["amount"] = amount, ["discount"] = discountId });
            discountIds.Add(discountId);
        }

        var subtotal = lines.Sum(l => l["amount"].L());
        var discounted = discountTotals.Sum(d => d!["amount"].L());
        var total = subtotal - discounted;
        var due = Math.Max(0, total);
        invoice["lines"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. lines]),
            ["has_more"] = false,
            ["total_count"] = lines.Count,
            ["url"] = $"/v1/invoices/{id}/lines",
        };
        invoice["discounts"] = discountIds;
        invoice["total_discount_amounts"] = discountTotals;
        invoice["total_taxes"] = new JsonArray();
        invoice["total_pretax_credit_amounts"] = new JsonArray();
        invoice["subtotal"] = subtotal;
        invoice["subtotal_excluding_tax"] = subtotal;
        invoice["total"] = total;
        invoice["total_excluding_tax"] = total;
        invoice["amount_due"] = due;
        invoice["amount_paid"] = 0;
        invoice["amount_remaining"] = due;
        invoice["amount_overpaid"] = 0;
        invoice["amount_shipping"] = 0;
        invoice["starting_balance"] = 0;
        invoice["ending_balance"] = 0;
        invoice["attempt_count"] = 0;
        invoice["attempted"] = false;
        invoice["auto_advance"] = true;
        invoice["status"] = "open";
        invoice["next_payment_attempt"] = UnixNow;
        invoice["period_start"] = lines.Count > 0 ? lines.Min(l => l["period"]!["start"].L()) : UnixNow;
        invoice["period_end"] = lines.Count > 0 ? lines.Max(l => l["period"]!["end"].L()) : UnixNow;
        invoice["status_transitions"] = new JsonObject
        {
            ["finalized_at"] = UnixNow,
            ["marked_uncollectible_at"] = null,
            ["paid_at"] = null,
            ["voided_at"] = null,
        };
        sub["latest_invoice"] = id;
        return Store("invoice", invoice);
    }

    /// <summary>One collection attempt on the card: the invoice is paid, or open with one more attempt counted.</summary>
    private bool Pay(JsonObject invoice)
    {
        var due = invoice["amount_remaining"].L();
        if (due > 0)
        {
            var sub = SubscriptionOf(invoice) is { } subId ? objects[subId] : null;
            var customer = objects[invoice.Text("customer")!];
            var pm = sub?.Text("default_payment_method") ?? customer["invoice_settings"].Text("default_payment_method");
            var intent = Charge(customer.Text("id")!, pm, due, invoice.Text("currency")!, $"Payment for Invoice {invoice.Text("number")}");
            invoice["attempt_count"] = invoice["attempt_count"].L() + 1;
            invoice["attempted"] = true;
            var payment = StripeFixtures.Resource("invoice_payment");
            payment["id"] = NewId("inpay");
            payment["invoice"] = invoice.Text("id");
            payment["currency"] = invoice.Text("currency");
            payment["amount_requested"] = due;
            payment["created"] = UnixNow;
            payment["livemode"] = false;
            payment["is_default"] = intent.Text("status") == "succeeded";
            payment["payment"] = new JsonObject { ["payment_intent"] = intent.Text("id"), ["type"] = "payment_intent" };
            if (intent.Text("status") != "succeeded")
            {
                payment["status"] = "canceled";
                payment["amount_paid"] = null;
                payment["status_transitions"] = new JsonObject { ["canceled_at"] = UnixNow, ["paid_at"] = null };
                Store("invoice_payment", payment);
                invoice["next_payment_attempt"] = UnixNow + 3 * 86400;
                return false;
            }
            payment["status"] = "paid";
            payment["amount_paid"] = due;
            payment["status_transitions"] = new JsonObject { ["canceled_at"] = null, ["paid_at"] = UnixNow };
            Store("invoice_payment", payment);
        }
        invoice["status"] = "paid";
        invoice["amount_paid"] = due;
        invoice["amount_remaining"] = 0;
        invoice["next_payment_attempt"] = null;
        invoice["status_transitions"]!["paid_at"] = UnixNow;
        return true;
    }

    private void EmitInvoice(JsonObject invoice, bool paid)
    {
        var draft = invoice.DeepClone().AsObject();
        draft["status"] = "draft";
        draft["number"] = null;
        Emit("invoice.created", draft);
        var open = invoice.DeepClone().AsObject();
        if (paid)
        {
            open["status"] = "open";
            open["amount_paid"] = 0;
            open["amount_remaining"] = invoice["amount_due"]!.DeepClone();
            open["status_transitions"]!["paid_at"] = null;
        }
        Emit("invoice.finalized", open);
        if (paid)
        {
            Emit("invoice.paid", invoice);
            Emit("invoice.payment_succeeded", invoice);
        }
        else
        {
            Emit("invoice.payment_failed", invoice);
        }
    }

    /// <summary>Collects an open invoice (a retry, or POST /v1/invoices/{id}/pay); the subscription follows.</summary>
    private bool Collect(JsonObject invoice)
    {
        if (invoice.Text("status") != "open")
            throw Invalid($"Invoice is already {invoice.Text("status")}.", null, "invoice_not_open");
        var before = invoice.DeepClone().AsObject();
        var paid = Pay(invoice);
        Emit(paid ? "invoice.paid" : "invoice.payment_failed", invoice, Changes(before, invoice));
        if (paid)
            Emit("invoice.payment_succeeded", invoice);
        if (SubscriptionOf(invoice) is { } subId && objects[subId].Text("status") is "past_due" or "incomplete" or "unpaid")
            SetStatusAfterPayment(objects[subId], paid);
        return paid;
    }

    private JsonObject PayInvoiceFromApi(string id)
    {
        var invoice = Find(id, "invoice");
        if (!Collect(invoice))
            throw new FakeStripeError(HttpStatusCode.PaymentRequired, Error("card_error", "card_declined", "Your card was declined.", declineCode: "generic_decline"));
        return invoice;
    }

    // ---- invoice items ----

    private JsonObject PendingItem(JsonObject sub, long amount, string description, bool proration)
    {
        var item = StripeFixtures.Resource("invoiceitem");
        item["id"] = NewId("ii");
        item["amount"] = amount;
        item["currency"] = sub.Text("currency");
        item["customer"] = sub.Text("customer");
        item["description"] = description;
        item["date"] = UnixNow;
        item["invoice"] = null;
        item["proration"] = proration;
        item["quantity"] = 1;
        item["quantity_decimal"] = "1";
        item["net_amount"] = amount;
        item["metadata"] = new JsonObject();
        item["period"] = new JsonObject { ["start"] = UnixNow, ["end"] = UnixNow };
        item["parent"] = new JsonObject { ["subscription_details"] = new JsonObject { ["subscription"] = sub.Text("id") }, ["type"] = "subscription_details" };
        Store("invoiceitem", item);
        Emit("invoiceitem.created", item);
        return item;
    }

    private JsonObject CreateInvoiceItem(JsonObject form)
    {
        var subId = form.Text("subscription") ?? throw Invalid("The fake bills invoice items on a subscription only: pass subscription.", "subscription", "parameter_missing");
        var sub = Find(subId, "subscription");
        if (form.Text("customer") is { } customer && customer != sub.Text("customer"))
            throw Invalid("The subscription belongs to another customer.", "subscription", null);
        var item = PendingItem(sub, form.Long("amount") ?? throw Invalid("Missing required param: amount.", "amount", "parameter_missing"),
            form.Text("description") ?? "Invoice item", proration: false);
        item["metadata"] = form.Metadata();
        return item;
    }

    private JsonObject DeleteInvoiceItem(string id)
    {
        var item = Find(id, "invoiceitem");
        if (item.Text("invoice") is not null)
            throw Invalid("This invoice item has already been invoiced and cannot be deleted.", "id", null);
        objects.Remove(id);
        byKind["invoiceitem"].Remove(id);
        return new JsonObject { ["id"] = id, ["object"] = "invoiceitem", ["deleted"] = true };
    }

    private IEnumerable<JsonObject> TakePendingItems(JsonObject sub)
    {
        var taken = new List<JsonObject>();
        foreach (var id in byKind.GetValueOrDefault("invoiceitem", []))
        {
            var item = objects[id];
            if (item.Text("invoice") is not null || item["parent"]?["subscription_details"].Text("subscription") != sub.Text("id"))
                continue;
            var line = Line(item["amount"].L(), item.Text("description")!, 1, item["period"]!["start"].L(),
                item["period"]!["end"].L(), null, sub.Text("id"), null, item["proration"]!.GetValue<bool>());
            line["parent"]!["invoice_item_details"]!["invoice_item"] = id;
            taken.Add(line);
        }
        return taken;
    }
}
