using System.ComponentModel.DataAnnotations;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Web.Features.Analytics;

public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Every amount is reported in this currency; subscriptions and imported rows in another are left out (no FX).</summary>
    [Required, RegularExpression("^[A-Za-z]{3}$", ErrorMessage = "Analytics:ReportingCurrency must be a three-letter ISO code.")]
    public string ReportingCurrency { get; set; } = "USD";
}

/// <summary>What a subscription is, for the dashboard's filters: the product kind and product of its main item and its cadence.</summary>
public sealed record SubscriptionSegment(ProductKind? Kind, string ProductKey, string ProductName, string Interval, bool Imported);

/// <summary>Dashboard filters; null means all.</summary>
public sealed record AnalyticsFilter(ProductKind? Kind = null, string? Product = null, string? Interval = null)
{
    public static readonly AnalyticsFilter All = new();

    public bool IsAll => Kind is null && Product is null && Interval is null;

    public bool Matches(SubscriptionSegment? segment) =>
        IsAll || (segment is not null
                  && (Kind is null || segment.Kind == Kind)
                  && (Product is null || segment.ProductKey == Product)
                  && (Interval is null || segment.Interval == Interval));
}

public sealed record FilterOption(string Value, string Label);

public sealed record TrialRecord(DateTimeOffset StartedAt, DateTimeOffset? ConvertedAt, DateTimeOffset? EndedAt);

public static class Intervals
{
    /// <summary>"month", "quarter", "year", "week", "day" or "N months" ...: the filter value and label of a cadence.</summary>
    public static string Label(BillingInterval interval, int count) => (interval, count) switch
    {
        (BillingInterval.Month, 1) => "month",
        (BillingInterval.Month, 3) => "quarter",
        (BillingInterval.Year, 1) => "year",
        (BillingInterval.Week, 1) => "week",
        (BillingInterval.Day, 1) => "day",
        _ => $"{count} {interval.ToString().ToLowerInvariant()}s",
    };
}

/// <summary>A month's average order value (cash): paid invoice total ÷ paid invoices.</summary>
public sealed record CashMonth(YearMonth Month, long PaidTotalMinor, int PaidInvoices)
{
    public decimal? AverageOrderValue => MetricsReport.Divide(PaidTotalMinor, PaidInvoices);
}

/// <summary>A movement behind a number, with the member it belongs to.</summary>
public sealed record MovementRow(
    string MemberId, string Name, string Email, DateOnly Day, MovementType Type, decimal Amount, decimal MrrBefore, decimal MrrAfter,
    ExpansionBreakdown? ExpansionByCause, string Changes);

/// <summary>A customer's MRR at the end of two months (a base month and the month looked at).</summary>
public sealed record CustomerMrrRow(string MemberId, string Name, string Email, decimal MrrBase, decimal MrrEnd);

public sealed record InvoiceRow(string MemberId, string Name, string Email, string Number, DateTimeOffset PaidAt, long TotalMinor);

public sealed record RecoveryRow(string MemberId, string Name, string Email, DateTimeOffset At, string SubscriptionId, decimal Mrr, string Detail);

/// <summary>How many cancellations in a range gave a reason in the exit survey (scheduled ones included).</summary>
public sealed record CancelReasonRow(string Reason, int Canceled, int Scheduled)
{
    public int Total => Canceled + Scheduled;
}
