using System.Text.Json;
using System.Text.Json.Serialization;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

// The Stripe webhook payloads the portal reads on its busiest path, reduced to the fields the handlers use and read with
// System.Text.Json's source generator. Stripe.net's full event parse costs about 140 KB of garbage and 0.2–0.5 ms per
// event (most of a subscription or invoice event's time outside the database); this costs about 8 KB and a tenth of it.
// Names follow Stripe's API (snake_case); times are Unix seconds as Stripe sends them. Rare events (checkout sessions,
// customers) still get Stripe.net's own types through StripeEventContext.Object<T>.

/// <summary>The event envelope (Id and Type are checked before any handler sees it); <see cref="Data"/> keeps the object as JSON until a handler reads it.</summary>
public sealed record StripeWebhookEvent(string Id, string? Object, string Type, long Created, string? ApiVersion, StripeWebhookEventData? Data);

public sealed record StripeWebhookEventData(JsonElement Object);

internal sealed record WebhookSubscription(
    string Id,
    [property: JsonPropertyName("customer"), JsonConverter(typeof(StripeIdConverter))] string? CustomerId,
    Dictionary<string, string>? Metadata,
    string? Status,
    long StartDate,
    WebhookList<WebhookSubscriptionItem>? Items,
    WebhookPauseCollection? PauseCollection,
    bool CancelAtPeriodEnd,
    long? CancelAt,
    WebhookCancellationDetails? CancellationDetails);

internal sealed record WebhookSubscriptionItem(WebhookPrice? Price, long? Quantity, long CurrentPeriodEnd);

internal sealed record WebhookPrice(string? Id, [property: JsonConverter(typeof(StripeIdConverter))] string? Product, long? UnitAmount);

internal sealed record WebhookPauseCollection(long? ResumesAt);

internal sealed record WebhookCancellationDetails(string? Comment, string? Feedback, string? Reason);

internal sealed record WebhookList<T>(List<T>? Data);

internal sealed record WebhookInvoice(
    string Id,
    [property: JsonPropertyName("customer"), JsonConverter(typeof(StripeIdConverter))] string? CustomerId,
    string? Number,
    string? Currency,
    long Created,
    long Subtotal,
    List<WebhookAmount>? TotalDiscountAmounts,
    List<WebhookAmount>? TotalTaxes,
    long Total,
    long AmountPaid,
    long AmountRemaining,
    long AttemptCount,
    string? BillingReason,
    string? Status,
    WebhookStatusTransitions? StatusTransitions,
    long PeriodStart,
    long PeriodEnd,
    WebhookList<WebhookInvoiceLine>? Lines,
    WebhookInvoiceParent? Parent,
    Dictionary<string, string>? Metadata,
    WebhookList<WebhookInvoicePayment>? Payments);

internal sealed record WebhookAmount(long Amount);

internal sealed record WebhookStatusTransitions(long? PaidAt);

internal sealed record WebhookInvoiceLine(string? Description, long? Quantity, long Amount, WebhookPeriod? Period, WebhookLineParent? Parent, WebhookLinePricing? Pricing);

internal sealed record WebhookLinePricing(WebhookPriceDetails? PriceDetails);

internal sealed record WebhookPriceDetails([property: JsonConverter(typeof(StripeIdConverter))] string? Price);

internal sealed record WebhookPeriod(long Start, long End);

internal sealed record WebhookLineParent(WebhookSubscriptionItemDetails? SubscriptionItemDetails);

internal sealed record WebhookSubscriptionItemDetails(bool Proration);

internal sealed record WebhookInvoiceParent(WebhookSubscriptionDetails? SubscriptionDetails);

internal sealed record WebhookSubscriptionDetails(
    [property: JsonPropertyName("subscription"), JsonConverter(typeof(StripeIdConverter))] string? SubscriptionId,
    Dictionary<string, string>? Metadata);

internal sealed record WebhookInvoicePayment(bool IsDefault, WebhookPaymentReference? Payment);

internal sealed record WebhookPaymentReference(
    [property: JsonPropertyName("payment_intent"), JsonConverter(typeof(StripeIdConverter))] string? PaymentIntentId,
    [property: JsonPropertyName("charge"), JsonConverter(typeof(StripeIdConverter))] string? ChargeId);

/// <summary>An expandable reference: Stripe sends the id, or the whole object when expanded (its <c>id</c> is taken).</summary>
internal sealed class StripeIdConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                string? id = null;
                var depth = reader.CurrentDepth;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
                {
                    if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != depth + 1)
                        continue;
                    var isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId && reader.TokenType == JsonTokenType.String)
                        id = reader.GetString();
                    else
                        reader.Skip();
                }
                return id;
            default:
                throw new JsonException($"Expected an id or an object, found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(StripeWebhookEvent))]
[JsonSerializable(typeof(WebhookSubscription))]
[JsonSerializable(typeof(WebhookInvoice))]
internal sealed partial class StripeWebhookJson : JsonSerializerContext;
