using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// A stateful stand-in for api.stripe.com, for Stripe.net pointed at it (Payments:Stripe:ApiBase, or this handler as the
/// primary handler of the portal's Stripe HttpClient). It keeps customers, products, prices, coupons, discounts,
/// Checkout Sessions, subscriptions, invoices, invoice items, payment methods, payment intents, charges, refunds and
/// events, every object built on Stripe's own example shapes (<see cref="StripeFixtures"/>, API 2026-10-28.endive).
/// Lists page as Stripe's do (newest first, <c>limit</c>, <c>starting_after</c>, <c>ending_before</c>, <c>has_more</c>),
/// a POST with a used idempotency key gets the first answer again, and <see cref="RateLimitNext"/> makes the next
/// requests answer 429. What Stripe does on its own (completing Checkout, renewing, retrying a failed invoice) is done
/// by the test through the "dashboard" methods below, time coming from the same clock as the portal's. Every change
/// records an event; <see cref="DeliverAsync"/> signs and posts pending events to the webhook endpoint, as Stripe does.
/// </summary>
public sealed partial class StripeFake : HttpMessageHandler
{
    private readonly TimeProvider clock;
    private readonly object gate = new();
    private readonly Dictionary<string, JsonObject> objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> byKind = new(StringComparer.Ordinal);
    private readonly List<JsonObject> events = [];
    private readonly List<string> pending = [];
    private readonly Dictionary<string, (string Body, HttpStatusCode Status, string Json)> idempotent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> sessionRequests = new(StringComparer.Ordinal);
    private readonly HashSet<string> decliningCustomers = new(StringComparer.Ordinal);
    private readonly HashSet<string> usedOnceDiscounts = new(StringComparer.Ordinal);
    private long sequence;
    private int rateLimited;

    public StripeFake(TimeProvider clock, string webhookSecret)
    {
        this.clock = clock;
        WebhookSecret = webhookSecret;
    }

    public string WebhookSecret { get; }

    /// <summary>Where <see cref="DeliverAsync"/> posts a signed event: (payload, Stripe-Signature header) → status.</summary>
    public Func<string, string, CancellationToken, Task<HttpStatusCode>>? Endpoint { get; set; }

    /// <summary>Off: events are still recorded (and listed by /v1/events) but never delivered, as when the endpoint was down.</summary>
    public bool WebhooksEnabled { get; set; } = true;

    /// <summary>
    /// Off: changes record no event at all (none listed, none delivered). For the import benchmark, whose account's history
    /// predates the move: a year of snapshots of every object would be most of the process's memory, and no reader uses them.
    /// </summary>
    public bool RecordsEvents { get; set; } = true;

    /// <summary>The endpoint's subscribed event types, as set in Stripe's dashboard; null delivers every type.</summary>
    public IReadOnlySet<string>? EnabledEvents { get; set; }

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Where a Checkout Session's url sends the member (Stripe's page; the standalone server serves its own).</summary>
    public string CheckoutPageBase { get; set; } = "https://checkout.stripe.com/c/pay/";

    /// <summary>Where a billing-portal session's url sends the member.</summary>
    public string BillingPortalPageBase { get; set; } = "https://billing.stripe.com/p/session/";

    /// <summary>Each attempt <see cref="DeliverAsync"/> made: event id, type, status answered.</summary>
    public List<(string EventId, string Type, HttpStatusCode Status)> Deliveries { get; } = [];

    private DateTimeOffset Now => clock.GetUtcNow();

    private long UnixNow => Now.ToUnixTimeSeconds();

    /// <summary>The next <paramref name="count"/> requests answer 429 with Stripe's rate-limit error.</summary>
    public void RateLimitNext(int count)
    {
        lock (gate)
            rateLimited = count;
    }

    /// <summary>The customer's card declines from now on (renewals fail, off-session charges are refused), or works again.</summary>
    public void SetCardDeclines(string customerId, bool declines)
    {
        lock (gate)
        {
            if (declines)
                decliningCustomers.Add(customerId);
            else
                decliningCustomers.Remove(customerId);
        }
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Get(string id)
    {
        lock (gate)
            return objects.TryGetValue(id, out var o) ? o.DeepClone().AsObject() : null;
    }

    /// <summary>Copies of every stored object of a kind ("subscription", "invoice" ...), oldest first.</summary>
    public IReadOnlyList<JsonObject> All(string kind)
    {
        lock (gate)
            return byKind.TryGetValue(kind, out var ids) ? [.. ids.Select(id => objects[id].DeepClone().AsObject())] : [];
    }

    public IReadOnlyList<JsonObject> Events()
    {
        lock (gate)
            return [.. events.Select(e => e.DeepClone().AsObject())];
    }

    // ---- HTTP ----

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var (status, json) = Handle(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query, body,
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
        response.Headers.Add("Request-Id", $"req_fake{Interlocked.Increment(ref sequence):x8}");
        if (status == HttpStatusCode.TooManyRequests)
            response.Headers.Add("Stripe-Should-Retry", "false");
        return response;
    }

    /// <summary>One API request, whatever carried it (this handler or <see cref="StripeFakeServer"/>).</summary>
    public (HttpStatusCode Status, string Json) Handle(string method, string path, string query, string body, string? idempotencyKey)
    {
        var form = FakeForm.Parse(method == "GET" || method == "DELETE" ? query : body);
        lock (gate)
        {
            Requests.Add(new RecordedRequest(method, path, query, idempotencyKey, Flat(method == "GET" || method == "DELETE" ? query : body)));
            if (rateLimited > 0)
            {
                rateLimited--;
                return (HttpStatusCode.TooManyRequests, Error("invalid_request_error", "rate_limit",
                    "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.").ToJsonString());
            }
            if (method == "POST" && idempotencyKey is { } key && idempotent.TryGetValue(key, out var earlier))
                return earlier.Body == body
                    ? (earlier.Status, earlier.Json)
                    : (HttpStatusCode.BadRequest, Error("idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.").ToJsonString());

            HttpStatusCode status;
            string json;
            try
            {
                var result = Route(method, path.TrimEnd('/'), form);
                (status, json) = (HttpStatusCode.OK, result.ToJsonString());
            }
            catch (FakeStripeError e)
            {
                (status, json) = (e.Status, e.Body.ToJsonString());
            }
            if (method == "POST" && idempotencyKey is { } used && (int)status < 500)
                idempotent[used] = (body, status, json);
            return (status, json);
        }
    }

    private static Dictionary<string, string> Flat(string encoded)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in encoded.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            form[WebUtility.UrlDecode(parts[0])] = parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : "";
        }
        return form;
    }

    private JsonNode Route(string method, string path, JsonObject form)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length < 2 || s[0] != "v1")
            throw NotFound(path);
        var id = s.Length > 2 ? s[2] : null;
        JsonNode result = (method, s[1], s.Length) switch
        {
            ("GET", "balance", 2) => StripeFixtures.Resource("balance"),
            ("POST", "customers", 2) => CreateCustomer(form),
            ("POST", "customers", 3) => UpdateCustomer(id!, form),
            ("GET", "customers", 3) => Find(id!, "customer"),
            ("GET", "customers", 2) => List("customer", form, o => Matches(o, form, "email")),
            ("POST", "products", 2) => CreateProduct(form),
            ("POST", "products", 3) => UpdateProduct(id!, form),
            ("GET", "products", 3) => Find(id!, "product"),
            ("GET", "products", 2) => List("product", form, o => form.Bool("active") is not { } a || o["active"]!.GetValue<bool>() == a),
            ("POST", "prices", 2) => CreatePrice(form),
            ("POST", "prices", 3) => UpdatePrice(id!, form),
            ("GET", "prices", 3) => Find(id!, "price"),
            ("GET", "prices", 2) => List("price", form, o => Matches(o, form, "product")
                && (form.Bool("active") is not { } a || o["active"]!.GetValue<bool>() == a)),
            ("POST", "coupons", 2) => CreateCoupon(form),
            ("GET", "coupons", 3) => Find(id!, "coupon"),
            ("GET", "coupons", 2) => List("coupon", form, _ => true),
            ("POST", "checkout", 3) when s[2] == "sessions" => CreateCheckoutSession(form),
            ("GET", "checkout", 4) when s[2] == "sessions" => Find(s[3], "checkout.session"),
            ("GET", "checkout", 3) when s[2] == "sessions" => List("checkout.session", form, o => Matches(o, form, "customer", "subscription")),
            ("POST", "billing_portal", 3) when s[2] == "sessions" => CreatePortalSession(form),
            ("POST", "subscriptions", 2) => CreateSubscription(form),
            ("POST", "subscriptions", 3) => UpdateSubscription(id!, form),
            ("DELETE", "subscriptions", 3) => CancelSubscription(id!, form),
            ("GET", "subscriptions", 3) => Find(id!, "subscription"),
            ("GET", "subscriptions", 2) => List("subscription", form, o => Matches(o, form, "customer")
                && (form.Text("status") is "all" ? true : form.Text("status") is { } st ? o.Text("status") == st : o.Text("status") is not ("canceled" or "incomplete_expired"))
                && (form.Text("price") is not { } p || o["items"]!["data"]!.AsArray().Any(i => i!["price"]!.Text("id") == p))),
            ("GET", "invoices", 3) => Find(id!, "invoice"),
            ("POST", "invoices", 4) when s[3] == "pay" => PayInvoiceFromApi(id!),
            ("GET", "invoices", 2) => List("invoice", form, o => Matches(o, form, "customer", "status")
                && (form.Text("subscription") is not { } sub || SubscriptionOf(o) == sub)),
            ("GET", "invoice_payments", 2) => List("invoice_payment", form, o => Matches(o, form, "invoice")),
            ("POST", "invoiceitems", 2) => CreateInvoiceItem(form),
            ("DELETE", "invoiceitems", 3) => DeleteInvoiceItem(id!),
            ("GET", "invoiceitems", 3) => Find(id!, "invoiceitem"),
            ("GET", "payment_methods", 3) => Find(id!, "payment_method"),
            ("POST", "payment_intents", 2) => CreatePaymentIntent(form),
            ("GET", "payment_intents", 3) => Find(id!, "payment_intent"),
            ("GET", "charges", 3) => Find(id!, "charge"),
            ("GET", "charges", 2) => List("charge", form, o => Matches(o, form, "customer", "payment_intent")),
            ("POST", "refunds", 2) => CreateRefund(form),
            ("GET", "refunds", 3) => Find(id!, "refund"),
            ("GET", "refunds", 2) => List("refund", form, o => Matches(o, form, "charge", "payment_intent")),
            ("GET", "events", 3) => Find(id!, "event"),
            ("GET", "events", 2) => ListEvents(form),
            _ => throw NotFound(path),
        };
        result = result.DeepClone();
        foreach (var expand in form.Items("expand"))
            Expand(result, expand.GetValue<string>().Split('.'));
        return result;
    }

    private static bool Matches(JsonObject o, JsonObject form, params string[] keys) =>
        keys.All(k => form.Text(k) is not { } wanted || o.Text(k) == wanted);

    // ---- lists and expansion ----

    private JsonObject List(string kind, JsonObject form, Func<JsonObject, bool> filter, IEnumerable<JsonObject>? source = null)
    {
        var all = (source ?? (byKind.TryGetValue(kind, out var ids) ? ids.Select(id => objects[id]) : [])).Reverse().Where(filter).ToList();
        var limit = (int)Math.Clamp(form.Long("limit") ?? 10, 1, 100);
        if (form.Text("created") is null && form["created"] is JsonObject created)
        {
            var gte = created.Long("gte") ?? long.MinValue;
            var gt = created.Long("gt") ?? long.MinValue;
            all = [.. all.Where(o => o["created"].L() >= gte && o["created"].L() > gt)];
        }
        IEnumerable<JsonObject> page;
        bool hasMore;
        if (form.Text("ending_before") is { } before)
        {
            var index = all.FindIndex(o => o.Text("id") == before);
            if (index < 0)
                throw new FakeStripeError(HttpStatusCode.BadRequest, Error("invalid_request_error", "resource_missing", $"No such object: '{before}'", "ending_before"));
            var earlier = all.Take(index).ToList();
            page = earlier.Skip(Math.Max(0, earlier.Count - limit));
            hasMore = earlier.Count > limit;
        }
        else
        {
            var start = 0;
            if (form.Text("starting_after") is { } after)
            {
                var index = all.FindIndex(o => o.Text("id") == after);
                if (index < 0)
                    throw new FakeStripeError(HttpStatusCode.BadRequest, Error("invalid_request_error", "resource_missing", $"No such object: '{after}'", "starting_after"));
                start = index + 1;
            }
            page = all.Skip(start).Take(limit);
            hasMore = all.Count > start + limit;
        }
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page.Select(o => (JsonNode)o.DeepClone())]),
            ["has_more"] = hasMore,
            ["url"] = "/v1/" + (kind == "invoice_payment" ? "invoice_payments" : kind.Replace("checkout.session", "checkout/sessions") + "s"),
        };
    }

    private JsonObject ListEvents(JsonObject form)
    {
        var types = form.Items("types").Select(t => t.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        if (form.Text("type") is { } type)
            types.Add(type);
        return List("event", form, e => types.Count == 0 || types.Contains(e.Text("type")!), events);
    }

    /// <summary>Replaces the id at the end of <paramref name="path"/> by its object (a <c>data</c> step walks a list).</summary>
    private void Expand(JsonNode? node, ReadOnlySpan<string> path)
    {
        if (node is not JsonObject obj || path.Length == 0)
            return;
        if (path[0] == "data" && obj.Text("object") == "list")
        {
            foreach (var item in obj["data"]!.AsArray())
                Expand(item, path[1..]);
            return;
        }
        if (obj[path[0]] is JsonValue v && v.TryGetValue<string>(out var id) && objects.TryGetValue(id, out var found))
            obj[path[0]] = found.DeepClone();
        if (obj[path[0]] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue item && item.TryGetValue<string>(out var itemId) && objects.TryGetValue(itemId, out var itemObject))
                    array[i] = itemObject.DeepClone();
                Expand(array[i], path[1..]);
            }
            return;
        }
        Expand(obj[path[0]], path[1..]);
    }

    // ---- storage ----

    private string NewId(string prefix) => $"{prefix}_Fk{Interlocked.Increment(ref sequence):D6}{Guid.NewGuid().ToString("N")[..10]}";

    private JsonObject Store(string kind, JsonObject obj)
    {
        var id = obj.Text("id")!;
        objects[id] = obj;
        if (!byKind.TryGetValue(kind, out var ids))
            byKind[kind] = ids = [];
        ids.Add(id);
        return obj;
    }

    private JsonObject Find(string id, string kind) =>
        objects.TryGetValue(id, out var o) && o.Text("object") == kind ? o
        : throw new FakeStripeError(HttpStatusCode.NotFound, Error("invalid_request_error", "resource_missing", $"No such {kind.Replace('_', ' ')}: '{id}'", "id"));

    private static FakeStripeError NotFound(string path) =>
        new(HttpStatusCode.NotFound, Error("invalid_request_error", null, $"Unrecognized request URL (path: {path})."));

    private static FakeStripeError Invalid(string message, string? param = null, string? code = "parameter_invalid_empty") =>
        new(HttpStatusCode.BadRequest, Error("invalid_request_error", code, message, param));

    public static JsonObject Error(string type, string? code, string message, string? param = null, string? declineCode = null) =>
        new()
        {
            ["error"] = new JsonObject
            {
                ["type"] = type,
                ["code"] = code,
                ["decline_code"] = declineCode,
                ["message"] = message,
                ["param"] = param,
            },
        };

    // ---- events ----

    /// <summary>Records an event with a snapshot of <paramref name="obj"/>; it waits for <see cref="DeliverAsync"/>.</summary>
    private void Emit(string type, JsonObject obj, JsonObject? previous = null)
    {
        if (!RecordsEvents)
            return;
        var evt = StripeFixtures.Resource("event");
        evt["id"] = NewId("evt");
        evt["api_version"] = StripeEvents.ApiVersion;
        evt["created"] = UnixNow;
        evt["type"] = type;
        evt["livemode"] = false;
        evt["pending_webhooks"] = 1;
        evt["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null };
        var data = new JsonObject { ["object"] = obj.DeepClone() };
        if (previous is { Count: > 0 })
            data["previous_attributes"] = previous;
        evt["data"] = data;
        events.Add(evt);
        objects[evt.Text("id")!] = evt;
        pending.Add(evt.Text("id")!);
    }

    /// <summary>
    /// Posts every pending event, oldest first, signed with <see cref="WebhookSecret"/> at the clock's time. A non-2xx answer
    /// keeps the event pending for the next call (Stripe retries); with webhooks off, pending events are dropped (missed).
    /// </summary>
    public async Task<int> DeliverAsync(CancellationToken ct = default)
    {
        List<JsonObject> batch;
        lock (gate)
        {
            batch = [.. pending.Select(id => objects[id])];
            pending.Clear();
        }
        var delivered = 0;
        var retry = new List<string>();
        foreach (var evt in batch)
        {
            var type = evt.Text("type")!;
            if (!WebhooksEnabled || EnabledEvents is { } enabled && !enabled.Contains(type))
                continue;
            if (Endpoint is null)
                throw new InvalidOperationException("No webhook endpoint: set StripeFake.Endpoint.");
            var payload = evt.ToJsonString();
            var status = await Endpoint(payload, StripeEvents.Signature(WebhookSecret, payload, Now), ct);
            lock (gate)
                Deliveries.Add((evt.Text("id")!, type, status));
            if ((int)status is >= 200 and < 300)
                delivered++;
            else
                retry.Add(evt.Text("id")!);
        }
        lock (gate)
            pending.InsertRange(0, retry);
        return delivered;
    }

    private static JsonObject Changes(JsonObject before, JsonObject after)
    {
        var previous = new JsonObject();
        foreach (var (key, value) in before)
            if (!JsonNode.DeepEquals(value, after[key]))
                previous[key] = value?.DeepClone();
        return previous;
    }
}

/// <summary>A Stripe error answer: the status and Stripe's <c>{"error": {...}}</c> body.</summary>
internal sealed class FakeStripeError(HttpStatusCode status, JsonObject body) : Exception(body["error"]?["message"]?.ToString())
{
    public HttpStatusCode Status { get; } = status;

    public JsonObject Body { get; } = body;
}
