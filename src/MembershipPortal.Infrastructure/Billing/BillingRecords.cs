using MembershipPortal.Domain.Billing;

namespace MembershipPortal.Infrastructure.Billing;

public enum InvoiceStatus { Open, Paid, Failed, Void, Refunded, PartiallyRefunded }

/// <summary>An invoice of the local ledger: what was billed for which period and whether it was paid.</summary>
public class Invoice
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Number { get; set; }
    public required string MemberId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public required string Currency { get; set; }
    public long SubtotalMinor { get; set; }
    public long DiscountMinor { get; set; }
    public long TaxMinor { get; set; }
    public long TotalMinor { get; set; }
    public long AmountPaidMinor { get; set; }
    public long AmountRefundedMinor { get; set; }
    public InvoiceStatus Status { get; set; }
    public string Reason { get; set; } = "subscription_create";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? PeriodStart { get; set; }
    public DateTimeOffset? PeriodEnd { get; set; }
    public int AttemptCount { get; set; }
    public string? GatewayInvoiceId { get; set; }
    public List<InvoiceLineRecord> Lines { get; set; } = [];

    /// <summary>
    /// The number to show. Stripe numbers an invoice when it is finalized; before that (a draft) the ledger keeps Stripe's
    /// invoice id in <see cref="Number"/>, shown as what it is rather than as an invoice number.
    /// </summary>
    public string DisplayNumber => GatewayInvoiceId is { } id && Number == id ? $"Draft invoice {id}" : Number;

    /// <summary>Counts a refund of this invoice: its refunded total grows, and it reads refunded once all that was paid is back.</summary>
    public void AddRefund(long amountMinor)
    {
        AmountRefundedMinor += amountMinor;
        Status = AmountRefundedMinor >= AmountPaidMinor ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;
    }
}

public class InvoiceLineRecord
{
    public required string Description { get; set; }
    public Guid? ProductId { get; set; }
    public int Quantity { get; set; } = 1;
    public long AmountMinor { get; set; }
}

public enum PaymentOutcome { Succeeded, Failed, Refunded }

/// <summary>One attempt to collect (or refund) money for an invoice.</summary>
public class Payment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid InvoiceId { get; set; }
    public required string MemberId { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public PaymentOutcome Outcome { get; set; }
    public DateTimeOffset At { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? CardLast4 { get; set; }
    public string? GatewayPaymentId { get; set; }
}

/// <summary>The member's customer record at the payment gateway and a display summary of the card on file.</summary>
public class BillingProfile
{
    public required string MemberId { get; set; }
    public required string Gateway { get; set; }
    public string? CustomerId { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public int? CardExpMonth { get; set; }
    public int? CardExpYear { get; set; }
    /// <summary>Test gateway only: the card's scripted behaviour (succeeds, fails on renewal ...).</summary>
    public string? TestCardToken { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A Stripe event id seen once; the unique key makes a redelivery a no-op.</summary>
public class ProcessedWebhookEvent
{
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public enum WebhookLogOutcome { Ignored, Failed }

/// <summary>
/// A Stripe event the portal acknowledged without applying (not its own, or no handler) or could not apply yet (Stripe
/// retries it). One row per event id, the last <see cref="WebhookEventLogEntry.Kept"/> kept, for the Owner's webhook page;
/// a failed event that later went through is recorded in <see cref="ProcessedWebhookEvent"/> too.
/// </summary>
public class WebhookEventLogEntry
{
    public const int Kept = 100;
    public const int ReasonLength = 500;

    public long Id { get; set; }
    public required string EventId { get; set; }
    public required string Type { get; set; }
    /// <summary>When the latest delivery of this event arrived.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
    public WebhookLogOutcome Outcome { get; set; }
    public required string Reason { get; set; }
    public int Deliveries { get; set; } = 1;
}

/// <summary>Ledger data kept beside the domain aggregate: gateway ids, shipping address, the exit survey.</summary>
public class SubscriptionRecord
{
    public Guid SubscriptionId { get; set; }
    public required string Gateway { get; set; }
    public string? GatewaySubscriptionId { get; set; }
    /// <summary>Creation time of the newest gateway event applied; an older event never overwrites newer state.</summary>
    public DateTimeOffset? LastGatewayEventAt { get; set; }
    public string? CancelFeedback { get; set; }
    public ShippingAddress? ShippingAddress { get; set; }
    /// <summary>The address-book entry <see cref="ShippingAddress"/> was copied from (null for addresses from before the address book or from Stripe).</summary>
    public Guid? AddressId { get; set; }
    public string? CouponCode { get; set; }
}

public class ShippingAddress
{
    public required string Name { get; set; }
    public required string Line1 { get; set; }
    public string? Line2 { get; set; }
    public required string City { get; set; }
    public string? Region { get; set; }
    public required string PostalCode { get; set; }
    public required string Country { get; set; }
}
