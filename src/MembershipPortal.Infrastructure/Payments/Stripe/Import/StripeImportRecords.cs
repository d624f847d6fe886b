namespace MembershipPortal.Infrastructure.Payments.Stripe.Import;

/// <summary>
/// A Stripe price read by the import, and what the Owner decided for it: a catalog price it maps to, or left out on
/// purpose. Webhooks map a Stripe price to the catalog through the price's own synced id first, then through this table,
/// so an imported subscription stays current after the move.
/// </summary>
public class StripePriceMapping
{
    public required string StripePriceId { get; set; }
    public required string StripeProductId { get; set; }
    public string ProductName { get; set; } = "";
    public string? Nickname { get; set; }
    public long UnitAmountMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>day, week, month or year; null for a one-time price (never a subscription item).</summary>
    public string? Interval { get; set; }
    public int IntervalCount { get; set; } = 1;
    public bool Active { get; set; }
    /// <summary>The catalog price proposed by amount, currency and interval (null when none matches).</summary>
    public Guid? ProposedPriceId { get; set; }
    /// <summary>The catalog price the Owner confirmed; null until then.</summary>
    public Guid? CatalogPriceId { get; set; }
    /// <summary>Deliberately not imported: subscription items on it are left out (a subscription with nothing else is skipped).</summary>
    public bool LeftOut { get; set; }
    /// <summary>Items of Stripe subscriptions on this price, as last read.</summary>
    public int SubscriptionItems { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Decided => CatalogPriceId is not null || LeftOut;
}

/// <summary>Kinds of <see cref="StripeImportObject"/>, also the names of the import's reading steps.</summary>
public static class StripeImportKinds
{
    public const string Products = "products", Prices = "prices", Customers = "customers", Subscriptions = "subscriptions", Invoices = "invoices";
    public static readonly string[] Reading = [Products, Prices, Customers, Subscriptions, Invoices];
}

/// <summary>
/// An object read from Stripe and waiting to be applied (customers, subscriptions, invoices), keyed by its Stripe id so a
/// second read replaces it. <see cref="Json"/> is Stripe's JSON, reduced to the fields the portal reads for invoices.
/// </summary>
public class StripeImportObject
{
    public required string Id { get; set; }
    public required string Kind { get; set; }
    /// <summary>A subscription's customer; an invoice's subscription.</summary>
    public string? ParentId { get; set; }
    public long Created { get; set; }
    public required string Json { get; set; }
    /// <summary>Changes when Stripe's object changed since it was last applied.</summary>
    public required string Hash { get; set; }
    public string? AppliedHash { get; set; }
}

/// <summary>A Stripe customer who became a member through the import: shown as "Imported", invited to claim the account later.</summary>
public class StripeImportedCustomer
{
    public required string CustomerId { get; set; }
    public required string MemberId { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    /// <summary>When the last "claim your account" invitation was queued; null when never invited.</summary>
    public DateTimeOffset? InvitedAt { get; set; }
}
