using MembershipPortal.Infrastructure.Data;
using StripeEvent = Stripe.Event;

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

/// <param name="Event">The verified event; <c>Data.Object</c> is the typed Stripe object.</param>
/// <param name="Db">The context whose transaction also records the event id.</param>
/// <param name="Now">Processing time, from the injected clock.</param>
public sealed record StripeEventContext(StripeEvent Event, AppDbContext Db, DateTimeOffset Now)
{
    /// <summary>When Stripe created the event: the order key for out-of-order deliveries.</summary>
    public DateTimeOffset CreatedAt => StripeTime.Utc(Event.Created);

    public T Object<T>() where T : class =>
        Event.Data?.Object as T
        ?? throw new InvalidOperationException($"Event {Event.Id} ({Event.Type}) does not carry a {typeof(T).Name}.");
}

/// <summary>
/// The event refers to something this portal has not recorded yet (Stripe does not guarantee delivery order). Thrown to
/// roll back and answer with an error, so Stripe delivers the event again later.
/// </summary>
public sealed class WebhookRetryLaterException(string message) : Exception(message);

internal static class StripeTime
{
    /// <summary>Stripe.net gives UTC <see cref="DateTime"/>s; the ledger stores <see cref="DateTimeOffset"/>s.</summary>
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
