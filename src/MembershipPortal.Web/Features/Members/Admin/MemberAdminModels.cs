using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Members.Admin;

public enum MemberStatusFilter { Any, Active, Trialing, PastDue, Unpaid, Paused, Canceled, NeverPaid }

public enum MemberSort { Newest, Oldest, Email, LastLogin }

/// <summary>The members list's filters; every field optional.</summary>
public sealed record MemberFilter
{
    public string? Search { get; init; }
    public MemberStatusFilter Status { get; init; }
    public Guid? ProductId { get; init; }
    public Guid? AddOnId { get; init; }
    /// <summary>Signup month as yyyy-MM.</summary>
    public string? SignupMonth { get; init; }
    public bool AtRisk { get; init; }
    /// <summary>Owner and Staff accounts are left out of the members list unless asked for.</summary>
    public bool IncludeTeam { get; init; }
}

public sealed record MemberRow(
    string Id, string Email, string Name, string Status, string Plans, DateTimeOffset JoinedAt, DateTimeOffset? LastLoginAt, bool Locked, IReadOnlyList<string> Risks);

public sealed record MemberPage(IReadOnlyList<MemberRow> Rows, int Total);

public sealed record MemberProductChoice(Guid Id, string Name, bool IsAddOn);

public sealed record SubscriptionDetail(
    Guid Id, SubscriptionStatus Status, string Plans, Money NextAmount, DateTimeOffset CurrentPeriodEnd, bool CancelAtPeriodEnd,
    DateTimeOffset? PausedUntil, IReadOnlyList<SubscriptionChange> Timeline);

public sealed record MemberInvoiceRow(Guid Id, string Number, DateTimeOffset CreatedAt, Money Total, Money Refunded, string Status, string Reason);

public sealed record PaymentLine(Guid Id, Guid InvoiceId, DateTimeOffset At, Money Amount, string Outcome, string? Card, bool Refundable, Money RefundableAmount);

public sealed record AccessLine(string Kind, string Title, string Link, bool Allowed, AccessReason Reason);

public sealed record CompLine(Guid Id, string Product, DateTimeOffset? Until, string? GrantedBy, DateTimeOffset GrantedAt, bool Active);

public sealed record CourseLine(string Title, int Completed, int Lessons, DateTimeOffset EnrolledAt, DateTimeOffset? CompletedAt);

public sealed record EmailLine(Guid Id, string Kind, string Subject, DateTimeOffset CreatedAt, string Status, DateTimeOffset? SentAt);

public sealed record NoteLine(Guid Id, string Author, string Text, DateTimeOffset At);

public sealed record ShipmentLineView(string Cycle, string Items, string Status, string? Carrier, string? TrackingNumber, DateTimeOffset? ShippedAt, string Address);

public sealed record MemberDetail(
    string Id, string Email, string Name, bool EmailConfirmed, DateTimeOffset JoinedAt, DateTimeOffset? LastLoginAt, bool Locked,
    IReadOnlyList<string> Roles, string? Card,
    IReadOnlyList<SubscriptionDetail> Subscriptions, IReadOnlyList<MemberInvoiceRow> Invoices, IReadOnlyList<PaymentLine> Payments,
    IReadOnlyList<AccessLine> Access, IReadOnlyList<CompLine> Comps, IReadOnlyList<CourseLine> Courses, IReadOnlyList<EmailLine> Emails,
    IReadOnlyList<NoteLine> Notes)
{
    public IReadOnlyList<ShipmentLineView> Shipments { get; init; } = [];
}

