using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// Stands in for api.stripe.com: records every request Stripe.net sends and answers from a table of
/// (method, path) → (status, JSON). Unknown requests get Stripe's 404 error shape, so nothing ever reaches the network.
/// </summary>
public sealed class StubStripeApi : HttpMessageHandler
{
    private readonly Dictionary<(string Method, string Path), Queue<(HttpStatusCode Status, string Json)>> replies = new();

    private readonly Dictionary<(string Method, string Path), (Func<RecordedRequest, JsonNode> Body, HttpStatusCode Status)> responders = new();

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>
    /// Answers every (method, path) request from the request itself (its query, say), ahead of any queued reply; a later
    /// call for the same (method, path) replaces it.
    /// </summary>
    public StubStripeApi Respond(HttpMethod method, string path, Func<RecordedRequest, JsonNode> responder, HttpStatusCode status = HttpStatusCode.OK)
    {
        lock (replies)
            responders[(method.Method, path)] = (responder, status);
        return this;
    }

    public StubStripeApi Reply(HttpMethod method, string path, JsonNode body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var key = (method.Method, path);
        if (!replies.TryGetValue(key, out var queue))
            replies[key] = queue = new Queue<(HttpStatusCode, string)>();
        queue.Enqueue((status, body.ToJsonString()));
        return this;
    }

    /// <summary>Stripe's error body: <c>{"error": {"type", "code", "decline_code", "message"}}</c>.</summary>
    public static JsonObject Error(string type, string? code, string message, string? declineCode = null) =>
        new() { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["decline_code"] = declineCode, ["message"] = message } };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            request.RequestUri.Query,
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
            Form(body));
        lock (Requests)
            Requests.Add(recorded);

        (HttpStatusCode Status, string Json) reply;
        lock (replies)
        {
            reply = responders.TryGetValue((recorded.Method, recorded.Path), out var responder)
                ? (responder.Status, responder.Body(recorded).ToJsonString())
                : replies.TryGetValue((recorded.Method, recorded.Path), out var queue) && queue.Count > 0
                ? (queue.Count > 1 ? queue.Dequeue() : queue.Peek())
                : (HttpStatusCode.NotFound, Error("invalid_request_error", "resource_missing", $"No stub for {recorded.Method} {recorded.Path}.").ToJsonString());
        }
        return new HttpResponseMessage(reply.Status)
        {
            Content = new StringContent(reply.Json, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }

    private static Dictionary<string, string> Form(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            form[WebUtility.UrlDecode(parts[0])] = parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : "";
        }
        return form;
    }
}

public sealed record RecordedRequest(string Method, string Path, string Query, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form);
