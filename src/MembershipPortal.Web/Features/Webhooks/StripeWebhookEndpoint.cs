using System.Text;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using Microsoft.AspNetCore.Diagnostics;

namespace MembershipPortal.Web.Features.Webhooks;

public static class StripeWebhookEndpoint
{
    public const string Path = "/webhooks/stripe";

    /// <summary>Stripe's events are a few kilobytes; anything near this is not from Stripe.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// POST /webhooks/stripe. Anonymous (the signature is the authentication), no antiforgery (Stripe posts no token) and
    /// no rate limit (a 429 is retried by Stripe and only adds load). 404 unless a webhook signing secret is configured.
    /// </summary>
    public static WebApplication MapStripeWebhook(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .DisableRateLimiting()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, StripeWebhookProcessor processor, CancellationToken ct)
    {
        // An API answer: no re-execution into the HTML error pages (which would re-post to a page and fail antiforgery).
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            statusPages.Enabled = false;
        if (!processor.IsEnabled)
            return Results.NotFound();

        var payload = await ReadBodyAsync(http, ct);
        if (payload is null)
            return Results.Text("The payload is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);

        var result = await processor.ProcessAsync(payload, http.Request.Headers["Stripe-Signature"].ToString(), ct);
        return result.Outcome switch
        {
            WebhookOutcome.Processed or WebhookOutcome.Ignored or WebhookOutcome.Duplicate => Results.Text(result.Detail, statusCode: StatusCodes.Status200OK),
            WebhookOutcome.Rejected => Results.Text(result.Detail, statusCode: StatusCodes.Status400BadRequest),
            WebhookOutcome.Disabled => Results.NotFound(),
            // Stripe retries anything but 2xx; the reason stays in our log, not in the answer.
            _ => Results.Text("The event could not be processed; it will be retried.", statusCode: StatusCodes.Status500InternalServerError),
        };
    }

    /// <summary>The raw body as sent (the signature covers its exact bytes), or null beyond <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
