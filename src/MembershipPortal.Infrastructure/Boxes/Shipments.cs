using MembershipPortal.Infrastructure.Billing;

namespace MembershipPortal.Infrastructure.Boxes;

public enum ShipmentStatus { Pending, Shipped }

/// <summary>
/// One box for one subscription in one cycle, created at the cycle's cut-off. The address is a copy taken then, so a
/// later change of address does not move a box already being packed. (Subscription, cycle) is unique: generating a
/// cycle twice creates nothing new.
/// </summary>
public class Shipment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SubscriptionId { get; set; }
    public required string MemberId { get; set; }
    public Guid ProductId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Cycle { get; set; }
    public required ShippingAddress Address { get; set; }
    public List<ShipmentLine> Lines { get; set; } = [];
    public ShipmentStatus Status { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
}

public class ShipmentLine
{
    public Guid ProductId { get; set; }
    public required string Description { get; set; }
    public int Quantity { get; set; } = 1;
}

/// <summary>A member's "skip this cycle" for one box subscription: no box and no charge for that cycle.</summary>
public class BoxSkip
{
    public Guid SubscriptionId { get; set; }
    public required string Cycle { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>
    /// The start of the period whose renewal this skip waived (test gateway), set by the first renewal attempt that uses
    /// it, so retries of that renewal waive the same items and no skip is used twice. Null while unused.
    /// </summary>
    public DateTimeOffset? WaivedPeriodStart { get; set; }
}

/// <summary>
/// A box product's cycle whose shipments have been generated (by the cut-off job or the Owner), so the scheduled job
/// generates each cycle once instead of re-reading every subscription on every run.
/// </summary>
public class BoxCycleGeneration
{
    public Guid ProductId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Cycle { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }
    /// <summary>Shipments created by the first run.</summary>
    public int Created { get; set; }
}
