using System.Diagnostics;
using System.Text.Json;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EventUtility = Stripe.EventUtility;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

public enum WebhookOutcome
{
    /// <summary>No signing secret is configured: the endpoint does not exist.</summary>
    Disabled,

    /// <summary>Bad or stale signature, another API version, or not an event: nothing was stored.</summary>
    Rejected,

    /// <summary>Applied and recorded.</summary>
    Processed,

    /// <summary>No handler for the type, or not this portal's (a shared Stripe account): recorded and logged, otherwise ignored.</summary>
    Ignored,

    /// <summary>The event id was recorded before: nothing done.</summary>
    Duplicate,

    /// <summary>A handler failed: rolled back and not recorded, so Stripe retries.</summary>
    Failed,
}

public sealed record WebhookResult(WebhookOutcome Outcome, string Detail, string? EventId = null);

/// <summary>
/// Stripe's webhook order (Bitwarden's too): verify the signature over the raw body → record the event id under its
/// unique key → dispatch by type → save, all in one transaction. A redelivered event finds its id and does nothing; a
/// failing handler rolls back its changes and the id, so the redelivery applies it whole.
/// </summary>
public sealed class StripeWebhookProcessor
{
    /// <summary>Stripe's recommended replay window, in seconds.</summary>
    public const long ToleranceSeconds = 300;

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly IOptions<PaymentsOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<StripeWebhookProcessor> logger;
    private readonly Dictionary<string, IStripeEventHandler> handlers = new(StringComparer.Ordinal);

    public StripeWebhookProcessor(
        IDbContextFactory<AppDbContext> dbFactory, IEnumerable<IStripeEventHandler> handlers, IOptions<PaymentsOptions> options,
        TimeProvider clock, ILogger<StripeWebhookProcessor> logger)
    {
        this.dbFactory = dbFactory;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        foreach (var handler in handlers)
            foreach (var type in handler.EventTypes)
                if (!this.handlers.TryAdd(type, handler))
                    throw new InvalidOperationException($"Two Stripe event handlers claim '{type}'.");
    }

    /// <summary>Webhooks are served when a signing secret is configured (always so when the provider is Stripe).</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(options.Value.Stripe.WebhookSecret);

    public IReadOnlyCollection<string> HandledTypes => handlers.Keys;

    public async Task<WebhookResult> ProcessAsync(string payload, string? signatureHeader, CancellationToken ct = default)
    {
        if (!IsEnabled)
            return new WebhookResult(WebhookOutcome.Disabled, "Stripe webhooks are not configured.");
        using var activity = PortalTelemetry.Source.StartActivity("stripe webhook");
        var result = await VerifyAndApplyAsync(payload, signatureHeader, activity, ct);
        (result.Outcome switch
        {
            WebhookOutcome.Processed => PortalTelemetry.WebhooksProcessed,
            WebhookOutcome.Ignored or WebhookOutcome.Duplicate => PortalTelemetry.WebhooksIgnored,
            WebhookOutcome.Rejected => PortalTelemetry.WebhooksRejected,
            _ => PortalTelemetry.WebhooksFailed,
        }).Add(1);
        if (activity is not null)
        {
            activity.SetTag("stripe.event_id", result.EventId);
            activity.SetTag("portal.webhook.outcome", result.Outcome.ToString());
            if (result.Outcome is WebhookOutcome.Failed or WebhookOutcome.Rejected)
                activity.SetStatus(ActivityStatusCode.Error, result.Outcome.ToString());
        }
        return result;
    }

    /// <summary>
    /// An event read from Stripe's API with our secret key (GET /v1/events, or a subscription read now and wrapped as an
    /// update), so there is no signature to check: it goes through the same steps as a delivery from there on (the event id
    /// recorded under its unique key, the same handler, one transaction), so an event already delivered changes nothing.
    /// </summary>
    public async Task<WebhookResult> ReplayAsync(string eventJson, CancellationToken ct = default)
    {
        using var activity = PortalTelemetry.Source.StartActivity("stripe event replay");
        var parsed = Parse(eventJson);
        if (parsed.Event is not { } stripeEvent)
            return parsed.Rejection!;
        var result = await ApplyVerifiedAsync(stripeEvent, activity, ct);
        activity?.SetTag("stripe.event_id", result.EventId);
        activity?.SetTag("portal.webhook.outcome", result.Outcome.ToString());
        return result;
    }

    private async Task<WebhookResult> VerifyAndApplyAsync(string payload, string? signatureHeader, Activity? activity, CancellationToken ct)
    {
        var verified = Verify(payload, signatureHeader);
        if (verified.Event is not { } stripeEvent)
            return verified.Rejection!;
        return await ApplyVerifiedAsync(stripeEvent, activity, ct);
    }

    private async Task<WebhookResult> ApplyVerifiedAsync(StripeWebhookEvent stripeEvent, Activity? activity, CancellationToken ct)
    {
        activity?.SetTag("stripe.event_type", stripeEvent.Type);

        handlers.TryGetValue(stripeEvent.Type, out var handler);
        var now = clock.GetUtcNow();
        var gated = false;
        try
        {
            var prepared = handler is IStripeEventPreparer preparer ? await preparer.PrepareAsync(stripeEvent, ct) : null;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // SQLite has one writer: concurrent deliveries queue here (woken the moment the previous one commits) rather
            // than in SQLite's busy handler, which polls with sleeps. Verification and parsing above still run in parallel.
            if (db.Database.IsSqlite())
            {
                await sqliteWriter.WaitAsync(ct);
                gated = true;
            }
            // SQL Server's retrying strategy needs the whole transaction as one retriable unit; SQLite's is a pass-through.
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(
                token => ApplyAsync(db, stripeEvent, handler, prepared, now, token), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Two deliveries of one event can race past the check (not on SQLite, whose transactions take the write lock
            // up front): the loser fails on the unique key and is a duplicate, not a failure.
            if (ex is DbUpdateException && await IsRecordedAsync(stripeEvent.Id, ct))
                return new WebhookResult(WebhookOutcome.Duplicate, "Already processed.", stripeEvent.Id);

            if (ex is WebhookRetryLaterException)
                logger.LogWarning("Stripe event {EventId} ({Type}) deferred: {Reason}", stripeEvent.Id, stripeEvent.Type, ex.Message);
            else
                logger.LogError(ex, "Stripe event {EventId} ({Type}) failed; rolled back for Stripe to retry.", stripeEvent.Id, stripeEvent.Type);
            await LogFailureAsync(stripeEvent, ex.Message, now);
            return new WebhookResult(WebhookOutcome.Failed, ex.Message, stripeEvent.Id);
        }
        finally
        {
            if (gated)
                sqliteWriter.Release();
        }
    }

    private readonly SemaphoreSlim sqliteWriter = new(1, 1);

    private (StripeWebhookEvent? Event, WebhookResult? Rejection) Verify(string payload, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
            return (null, new WebhookResult(WebhookOutcome.Rejected, "The Stripe-Signature header is missing."));
        try
        {
            // The signature is checked here (Stripe's scheme: HMAC-SHA256 of "{t}.{payload}", any v1 may match, within
            // 300 s of our clock) before anything is parsed; Stripe.net's ConstructEvent does the same but costs more
            // than the rest of the event's parsing. Then only the envelope is parsed; each handler reads the object it needs.
            if (SignatureProblem(payload, signatureHeader) is { } problem)
                return (null, new WebhookResult(WebhookOutcome.Rejected, problem));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            logger.LogWarning("Rejected a Stripe webhook: {Reason}", ex.Message);
            return (null, new WebhookResult(WebhookOutcome.Rejected, "The payload is not valid JSON."));
        }
        return Parse(payload);
    }

    private (StripeWebhookEvent? Event, WebhookResult? Rejection) Parse(string payload)
    {
        try
        {
            var stripeEvent = JsonSerializer.Deserialize(payload, StripeWebhookJson.Default.StripeWebhookEvent);
            if (stripeEvent is not { Id.Length: > 0, Type.Length: > 0, Data.Object.ValueKind: JsonValueKind.Object } || stripeEvent.Object is not (null or "event"))
                return (null, new WebhookResult(WebhookOutcome.Rejected, "The payload is not a Stripe event."));
            // Stripe.net's rule (the one its ParseEvent applies): the objects are only read right in the API version it is built for.
            if (stripeEvent.ApiVersion is not { Length: > 0 } version || !EventUtility.IsCompatibleApiVersion(version))
                return (null, new WebhookResult(WebhookOutcome.Rejected,
                    $"The event is in API version {stripeEvent.ApiVersion ?? "(none)"}; this portal reads {StripeConfiguration.ApiVersion}. Set the webhook endpoint's API version in Stripe's dashboard."));
            return (stripeEvent, null);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException)
        {
            logger.LogWarning("Rejected a Stripe webhook: {Reason}", ex.Message);
            return (null, new WebhookResult(WebhookOutcome.Rejected, "The payload is not valid JSON."));
        }
    }

    private byte[]? secretBytes;
    private string? secretFor;

    /// <summary>Null when a v1 signature in the header matches and its timestamp is within the tolerance; else why not.</summary>
    private string? SignatureProblem(string payload, string header)
    {
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Trim();
            if (pair.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(pair.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (pair.StartsWith("v1=", StringComparison.Ordinal) && pair.Length == 3 + 64)
            {
                try
                { signatures.Add(Convert.FromHexString(pair.AsSpan(3))); }
                catch (FormatException) { }
            }
        }
        if (timestamp is not { } signedAt || signatures.Count == 0)
            return "The Stripe-Signature header has no timestamp or v1 signature.";
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - signedAt) > ToleranceSeconds)
            return "The signature's timestamp is outside the tolerance zone.";

        var secret = options.Value.Stripe.WebhookSecret!;
        if (!ReferenceEquals(secret, secretFor))
            (secretBytes, secretFor) = (System.Text.Encoding.UTF8.GetBytes(secret), secret);
        var prefix = signedAt.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
        var message = new byte[System.Text.Encoding.UTF8.GetByteCount(prefix) + System.Text.Encoding.UTF8.GetByteCount(payload)];
        var written = System.Text.Encoding.UTF8.GetBytes(prefix, message);
        System.Text.Encoding.UTF8.GetBytes(payload, message.AsSpan(written));
        Span<byte> expected = stackalloc byte[32];
        System.Security.Cryptography.HMACSHA256.HashData(secretBytes!, message, expected);
        foreach (var signature in signatures)
            if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(signature, expected))
                return null;
        return "No signatures found matching the expected signature for payload.";
    }

    private static async Task<WebhookResult> ApplyAsync(
        AppDbContext db, StripeWebhookEvent stripeEvent, IStripeEventHandler? handler, object? prepared, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear(); // a retried attempt starts from the database, not from the failed attempt's changes
        // The whole event is one transaction that fails as a unit, so SaveChanges needs no savepoint of its own inside it.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await Recorded(db, stripeEvent.Id, ct))
            return new WebhookResult(WebhookOutcome.Duplicate, "Already processed.", stripeEvent.Id);

        db.ProcessedWebhookEvents.Add(new ProcessedWebhookEvent { EventId = stripeEvent.Id, Type = stripeEvent.Type, ReceivedAt = now });
        var context = new StripeEventContext(stripeEvent, db, now) { Prepared = prepared };
        if (handler is not null)
            await handler.HandleAsync(context, ct);
        var ignored = handler is null ? $"No handler for {stripeEvent.Type}." : context.IgnoredReason;
        if (ignored is not null)
            await WebhookEventLog.RecordAsync(db, stripeEvent, WebhookLogOutcome.Ignored, ignored, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ignored is not null
            ? new WebhookResult(WebhookOutcome.Ignored, ignored, stripeEvent.Id)
            : new WebhookResult(WebhookOutcome.Processed, $"Applied {stripeEvent.Type}.", stripeEvent.Id);
    }

    /// <summary>Outside the rolled-back transaction, so the Owner sees what keeps failing; never fails the answer itself.</summary>
    private async Task LogFailureAsync(StripeWebhookEvent stripeEvent, string reason, DateTimeOffset now)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await WebhookEventLog.RecordAsync(db, stripeEvent, WebhookLogOutcome.Failed, reason, now, CancellationToken.None);
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not log the failure of Stripe event {EventId}.", stripeEvent.Id);
        }
    }

    private static readonly Func<AppDbContext, string, CancellationToken, Task<bool>> Recorded =
        EF.CompileAsyncQuery((AppDbContext db, string id, CancellationToken ct) => db.ProcessedWebhookEvents.Any(e => e.EventId == id));

    private async Task<bool> IsRecordedAsync(string eventId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Recorded(db, eventId, ct);
    }
}
