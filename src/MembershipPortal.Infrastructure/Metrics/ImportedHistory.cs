namespace MembershipPortal.Infrastructure.Metrics;

/// <summary>One accepted history file (METRICS.md §5): who, when, and what it added.</summary>
public class HistoryImport
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    /// <summary>SHA-256 of the file's bytes, hex.</summary>
    public required string Sha256 { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public int Rows { get; set; }
    public int NewEvents { get; set; }
    public int NewMembers { get; set; }
}

/// <summary>
/// An imported event, kept as read so the engine can replay it beside the portal's own history. <see cref="Key"/> is a
/// hash of the event's content (and its occurrence among identical rows of its file): importing a file again finds
/// every key and adds nothing.
/// </summary>
public class ImportedEvent
{
    public long Id { get; set; }
    public required string Key { get; set; }
    public long ImportId { get; set; }
    public int Line { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>The customer_id of the file (the other platform's id), mapped to a member by <see cref="ImportedCustomer"/>.</summary>
    public required string CustomerId { get; set; }
    public required string SubscriptionId { get; set; }
    /// <summary>The §5 event name: start, change, cancel ...</summary>
    public required string Event { get; set; }
    public string? ProductCode { get; set; }
    public string? PlanCode { get; set; }
    public long? UnitAmountMinor { get; set; }
    public string? Currency { get; set; }
    /// <summary>day, week, month or year.</summary>
    public string? Interval { get; set; }
    public int? IntervalCount { get; set; }
    public int? Quantity { get; set; }
    public decimal? DiscountPercent { get; set; }
}

/// <summary>A customer of an imported file and the portal member they became (or already were, matched by e-mail).</summary>
public class ImportedCustomer
{
    public required string CustomerId { get; set; }
    public required string MemberId { get; set; }
    public required string Email { get; set; }
    public long ImportId { get; set; }
}
