using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>What a visitor chose on the checkout page. Amounts are never taken from the form, only ids.</summary>
public sealed class CheckoutChoice
{
    public Guid PriceId { get; set; }
    public List<Guid> AddOnPriceIds { get; set; } = [];
    /// <summary>One-time products bought once with the plan (a starter kit): charged today, shipped once.</summary>
    public List<Guid> OneTimePriceIds { get; set; } = [];
    public int Quantity { get; set; } = 1;
    public string? CouponCode { get; set; }
    public AddressInput? Shipping { get; set; }
    /// <summary>One per checkout page load, so a double submit charges once (idempotency key).</summary>
    public Guid AttemptId { get; set; } = Guid.NewGuid();
}

public sealed class AddressInput
{
    public string Name { get; set; } = "";
    public string Line1 { get; set; } = "";
    public string? Line2 { get; set; }
    public string City { get; set; } = "";
    public string? Region { get; set; }
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "US";
}

public sealed record CheckoutOption(Guid PriceId, Guid ProductId, string ProductName, ProductKind Kind, PriceTerms Terms, bool Ships);

public sealed record CheckoutOffer(
    CheckoutOption Main, string? Description, IReadOnlyList<string> Features, bool NeedsShipping, bool QuantityAllowed,
    IReadOnlyList<CheckoutOption> AddOns)
{
    /// <summary>One-time products offered with the plan (a starter kit): charged today, once.</summary>
    public IReadOnlyList<CheckoutOption> OneTime { get; init; } = [];

    /// <summary>For a box: which month's box a member who buys now gets first, and when it ships.</summary>
    public string? FirstBox { get; init; }
}

public sealed record CheckoutQuote(FirstInvoice Invoice, string? CouponMessage, bool CouponApplied);

public sealed record CheckoutOutcome(bool Succeeded, string? Error, Guid? SubscriptionId = null)
{
    public static CheckoutOutcome Fail(string error) => new(false, error);
}

public sealed record ItemView(Guid ItemId, Guid ProductId, Guid PriceId, string ProductName, ProductKind Kind, int Rank, PriceTerms Terms, int Quantity, string? CouponCode);

public sealed record SubscriptionView(
    Guid Id, SubscriptionStatus Status, IReadOnlyList<ItemView> Items, DateTimeOffset CurrentPeriodEnd, DateTimeOffset? TrialEnd,
    bool CancelAtPeriodEnd, DateTimeOffset? PausedUntil, Money NextAmount, bool CanPause, string? PendingChange,
    IReadOnlyList<SubscriptionChange> History, bool HasOtherPlans = true);

public sealed record InvoiceView(Guid Id, string Number, DateTimeOffset CreatedAt, Money Total, string Status, string Reason, DateTimeOffset? PaidAt);

public sealed record BillingOverview(IReadOnlyList<SubscriptionView> Subscriptions, IReadOnlyList<InvoiceView> Invoices, string? CardSummary)
{
    /// <summary>What the cancel dialog offers instead of leaving (the Owner's choice).</summary>
    public SaveOffer SaveOffer { get; init; } = SaveOffer.Pause;

    public int SaveOfferPercent { get; init; } = 20;

    public int SaveOfferMonths { get; init; } = 3;
}

public sealed record PlanOption(Guid PriceId, string ProductName, int Rank, PriceTerms Terms, bool IsUpgrade);

public sealed record ChangePreview(PlanOption Target, ProrationPreview Proration, bool Immediate, string Explanation);

public static class Describe
{
    public static string Cadence(PriceTerms t) => (t.Interval, t.IntervalCount) switch
    {
        (BillingInterval.Month, 1) => "month",
        (BillingInterval.Month, 3) => "quarter",
        (BillingInterval.Year, 1) => "year",
        (BillingInterval.Week, 1) => "week",
        (BillingInterval.Day, 1) => "day",
        var (i, n) => $"{n} {i.ToString().ToLowerInvariant()}s",
    };

    public static string Price(PriceTerms t) => $"{t.Amount.Display()} / {Cadence(t)}";

    public static string Status(SubscriptionStatus s) => s switch
    {
        SubscriptionStatus.PastDue => "Past due",
        _ => s.ToString(),
    };
}
