using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MembershipPortal.Infrastructure.Data;
using StripeEntity = Stripe.StripeEntity;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// Applies one family of verified Stripe events to the ledger. Handlers only change tracked entities of
/// <see cref="StripeEventContext.Db"/>: the processor saves and commits them together with the event id, so a handler
/// that throws leaves nothing behind and Stripe delivers the event again.
/// </summary>
public interface IStripeEventHandler
{
    IReadOnlyCollection<string> EventTypes { get; }

    Task HandleAsync(StripeEventContext context, CancellationToken ct);
}

/// <summary>
/// Optional for a handler: what its event needs from Stripe's API (an object the event names only by id), read before
/// the event's transaction and outside SQLite's one-writer section, so a slow Stripe call never holds up other
/// deliveries. The result reaches the handler as <see cref="StripeEventContext.Prepared"/>.
/// </summary>
public interface IStripeEventPreparer
{
    Task<object?> PrepareAsync(StripeWebhookEvent stripeEvent, CancellationToken ct);
}

/// <param name="Event">The verified event; <c>Data.Object</c> is the event's object, still as JSON.</param>
/// <param name="Db">The context whose transaction also records the event id.</param>
/// <param name="Now">Processing time, from the injected clock.</param>
public sealed record StripeEventContext(StripeWebhookEvent Event, AppDbContext Db, DateTimeOffset Now)
{
    /// <summary>When Stripe created the event: the order key for out-of-order deliveries.</summary>
    public DateTimeOffset CreatedAt => StripeTime.FromUnix(Event.Created);

    /// <summary>The object as Stripe.net's full type (for the rarer events, whose handlers use more of it).</summary>
    public T Object<T>() where T : StripeEntity =>
        StripeEntity.FromJson<T>(Event.Data!.Object.GetRawText())
        ?? throw new InvalidOperationException($"Event {Event.Id} ({Event.Type}) does not carry a {typeof(T).Name}.");

    /// <summary>What the handler's <see cref="IStripeEventPreparer"/> read for this event, if anything.</summary>
    public object? Prepared { get; init; }

    /// <summary>Set by <see cref="Ignore"/>: the event is acknowledged and logged for the Owner, and changes nothing.</summary>
    public string? IgnoredReason { get; private set; }

    /// <summary>
    /// The event is not this portal's (a Stripe account shared with other products): acknowledge it, log why, change
    /// nothing. The handler returns right after; the processor saves only the event id and the log entry.
    /// </summary>
    public void Ignore(string reason) => IgnoredReason = reason;

    /// <summary>The object as one of the lean webhook shapes (<see cref="StripeWebhookJson"/>) the busiest handlers read.</summary>
    internal T Read<T>(JsonTypeInfo<T> shape) where T : class =>
        Event.Data!.Object.Deserialize(shape)
        ?? throw new InvalidOperationException($"Event {Event.Id} ({Event.Type}) does not carry a {typeof(T).Name}.");
}

/// <summary>
/// The event refers to something this portal has not recorded yet (Stripe does not guarantee delivery order). Thrown to
/// roll back and answer with an error, so Stripe delivers the event again later.
/// </summary>
public sealed class WebhookRetryLaterException(string message) : Exception(message);

internal static class StripeTime
{
    /// <summary>Stripe's JSON times are Unix seconds; the ledger stores <see cref="DateTimeOffset"/>s.</summary>
    public static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static DateTimeOffset? FromUnix(long? seconds) => seconds is { } s ? FromUnix(s) : null;
}
