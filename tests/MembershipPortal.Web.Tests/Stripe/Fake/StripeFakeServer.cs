using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// The stateful fake as a small HTTP server, for running the portal locally in Stripe mode without Stripe:
/// <code>dotnet run --project tests/MembershipPortal.Web.Tests -- stripe-fake --port 12111 --webhook http://127.0.0.1:5080/webhooks/stripe --secret whsec_local</code>
/// then start the portal with Payments:Provider=Stripe, Payments:Stripe:ApiBase=http://127.0.0.1:12111 and the same
/// webhook secret. The API is under /v1 as Stripe's is. Checkout Sessions send the member to a page of this server with a
/// Pay button; /_fake/ lists subscriptions with buttons for what Stripe does on its own (renew now, decline the card,
/// retry an invoice). Events are signed and posted to the webhook address every second, as Stripe delivers them.
/// </summary>
public static class StripeFakeServer
{
    public const string Usage =
        "Usage: dotnet run --project tests/MembershipPortal.Web.Tests -- stripe-fake [--port 12111] [--webhook http://127.0.0.1:5080/webhooks/stripe] [--secret whsec_local]\n"
        + "   or: " + StripeImportBench.Usage;

    public static readonly IReadOnlySet<string> EndpointEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "checkout.session.completed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "customer.subscription.paused", "customer.subscription.resumed", "invoice.paid", "invoice.payment_failed", "invoice.upcoming", "customer.updated",
    };

    /// <summary>The test project's entry point: the test runner never calls it; <c>dotnet run</c> does.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == StripeImportBench.Command)
            return await StripeImportBench.RunAsync(args[1..]);
        if (args.Length == 0 || args[0] != "stripe-fake")
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        string Option(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }
        var port = int.Parse(Option("--port", "12111"), System.Globalization.CultureInfo.InvariantCulture);
        var webhook = Option("--webhook", "http://127.0.0.1:5080/webhooks/stripe");
        var secret = Option("--secret", "whsec_local");
        // The event types the README tells the Owner to enable on Stripe's webhook endpoint.
        var fake = new StripeFake(TimeProvider.System, secret) { EnabledEvents = EndpointEvents };
        await using var app = Build(fake, $"http://127.0.0.1:{port}", new Uri(webhook));
        Console.WriteLine($"Stripe fake on http://127.0.0.1:{port} (API /v1, dashboard /_fake/); webhooks to {webhook}, signed with {secret}.");
        await app.RunAsync();
        return 0;
    }

    /// <summary>The server, not started: the API, the checkout page, the dashboard and the webhook delivery loop.</summary>
    public static WebApplication Build(StripeFake fake, string url, Uri webhook)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var baseUrl = url.TrimEnd('/');
        fake.CheckoutPageBase = $"{baseUrl}/_fake/checkout/";
        fake.BillingPortalPageBase = $"{baseUrl}/_fake/billing-portal/";

        var http = new HttpClient();
        fake.Endpoint = async (payload, signature, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
            try
            {
                using var response = await http.SendAsync(request, ct);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable; // the portal is not up: kept and retried, as Stripe does
            }
        };
        var delivery = new CancellationTokenSource();
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            while (!delivery.IsCancellationRequested)
            {
                try
                {
                    await fake.DeliverAsync(delivery.Token);
                    await Task.Delay(TimeSpan.FromSeconds(1), delivery.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }));
        app.Lifetime.ApplicationStopping.Register(delivery.Cancel);

        app.MapGet("/_fake/checkout/{id}", (string id) =>
        {
            var session = fake.Get(id);
            if (session is null)
                return Results.NotFound();
            return Html($"""
                <h1>Stripe Checkout (fake)</h1>
                <p>Session <code>{Encode(id)}</code> for customer <code>{Encode(session.Text("customer"))}</code>: status {Encode(session.Text("status"))}.</p>
                <form method="post"><button type="submit">Pay with the test card 4242</button></form>
                <p><a href="{Encode(session.Text("cancel_url"))}">Back to the portal</a></p>
                """);
        });
        app.MapPost("/_fake/checkout/{id}", (string id) =>
        {
            var session = fake.Get(id);
            if (session is null)
                return Results.NotFound();
            if (session.Text("status") == "open")
                fake.CompleteCheckout(id, new JsonObject
                {
                    ["city"] = "Springfield",
                    ["country"] = "US",
                    ["line1"] = "1 Main Street",
                    ["line2"] = null,
                    ["postal_code"] = "12345",
                    ["state"] = "IL",
                });
            return Results.Redirect(session.Text("success_url") ?? "/_fake/");
        });
        app.MapGet("/_fake/billing-portal/{id}", (string id) =>
            Html($"<h1>Billing portal (fake)</h1><p>Session {Encode(id)}. The card on file is the test card 4242.</p>"));
        app.MapGet("/_fake/", () => Html(Dashboard(fake)));
        app.MapPost("/_fake/subscriptions/{id}/renew", (string id) => { fake.RenewNow(id); return Results.Redirect("/_fake/"); });
        app.MapPost("/_fake/customers/{id}/decline", (string id, HttpRequest request) =>
        {
            fake.SetCardDeclines(id, request.Query["on"] != "false");
            return Results.Redirect("/_fake/");
        });
        app.MapPost("/_fake/invoices/{id}/retry", (string id) => { fake.RetryInvoice(id); return Results.Redirect("/_fake/"); });

        // Stripe's API: everything under /v1, answered by the fake.
        app.Map("/v1/{**rest}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var (status, json) = fake.Handle(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", body,
                context.Request.Headers["Idempotency-Key"].FirstOrDefault());
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        });
        return app;
    }

    private static string Dashboard(StripeFake fake)
    {
        var rows = new StringBuilder();
        foreach (var sub in fake.All("subscription").AsEnumerable().Reverse())
        {
            var id = sub.Text("id");
            var customer = sub.Text("customer");
            var open = fake.All("invoice").Where(i => i["parent"]?["subscription_details"].Text("subscription") == id && i.Text("status") == "open").Select(i => i.Text("id")).ToList();
            rows.Append($"""
                <tr><td><code>{Encode(id)}</code></td><td><code>{Encode(customer)}</code></td><td>{Encode(sub.Text("status"))}</td>
                <td><form method="post" action="/_fake/subscriptions/{Encode(id)}/renew"><button>Renew now</button></form></td>
                <td><form method="post" action="/_fake/customers/{Encode(customer)}/decline?on=true"><button>Card declines</button></form>
                    <form method="post" action="/_fake/customers/{Encode(customer)}/decline?on=false"><button>Card works</button></form></td>
                <td>{string.Concat(open.Select(i => $"<form method=\"post\" action=\"/_fake/invoices/{Encode(i)}/retry\"><button>Retry {Encode(i)}</button></form>"))}</td></tr>
                """);
        }
        return $"""
            <h1>Stripe fake</h1>
            <p>{fake.Events().Count} events, {fake.Deliveries.Count} delivery attempts.</p>
            <table border="1" cellpadding="4"><tr><th>Subscription</th><th>Customer</th><th>Status</th><th></th><th>Card</th><th>Open invoices</th></tr>{rows}</table>
            """;
    }

    private static IResult Html(string body) =>
        Results.Content($"<!doctype html><html><head><meta charset=\"utf-8\"><title>Stripe fake</title></head><body>{body}</body></html>", "text/html");

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
