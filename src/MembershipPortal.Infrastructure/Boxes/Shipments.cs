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
    /// <summary>The subscription's currency, for unit economics (null on boxes generated before they were recorded).</summary>
    public string? Currency { get; set; }
    /// <summary>The flat shipping rate the member pays for this box (minor units).</summary>
    public long ShippingChargedMinor { get; set; }
}

public class ShipmentLine
{
    public Guid ProductId { get; set; }
    public required string Description { get; set; }
    public int Quantity { get; set; } = 1;
    /// <summary>What the member pays for one unit of this line for this box (minor units; see <c>CycleEconomics</c>).</summary>
    public long UnitPriceMinor { get; set; }
}

/// <summary>A member's "skip this cycle" for one box subscription: no box and no charge for that cycle.</summary>
public class BoxSkip
{
    public Guid SubscriptionId { get; set; }
    public required string Cycle { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>Part of a pause of 1–3 cycles rather than a single skip (same effect: no box, no charge).</summary>
    public bool ByPause { get; set; }
    /// <summary>
    /// The start of the period whose renewal this skip waived (test gateway), set by the first renewal attempt that uses
    /// it, so retries of that renewal waive the same items and no skip is used twice. Null while unused.
    /// </summary>
    public DateTimeOffset? WaivedPeriodStart { get; set; }
    /// <summary>Stripe-billed subscriptions: the credit (negative invoice item) taking the box off the next invoice.</summary>
    public string? GatewayCreditId { get; set; }
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

public enum BoxExtraStatus { Pending, Packed, Removed }

/// <summary>
/// A one-time extra ("add a mug to my next box") for one box subscription: paid when added (test gateway), meant for
/// the cycle open then, and carried by exactly one shipment (<see cref="ShipmentId"/>): that cycle's box, or the next one
/// sent when that box was skipped. Removed before its cut-off, it is refunded.
/// </summary>
public class BoxExtra
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SubscriptionId { get; set; }
    public required string MemberId { get; set; }
    public Guid ProductId { get; set; }
    public Guid PriceId { get; set; }
    public required string Description { get; set; }
    public int Quantity { get; set; } = 1;
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>yyyy-MM: the cycle it was added for.</summary>
    public required string Cycle { get; set; }
    public BoxExtraStatus Status { get; set; }
    public Guid? InvoiceId { get; set; }
    public string? GatewayPaymentId { get; set; }
    public Guid? ShipmentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
}

/// <summary>The Owner's cost of one unit of a product (a box or an add-on) in one cycle: goods and postage, minor units.</summary>
public class BoxCycleCost
{
    public Guid ProductId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Cycle { get; set; }
    public long CostOfGoodsMinor { get; set; }
    public long ShippingCostMinor { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// What one box product's cycle holds, as the Owner describes it to members ("what's in your December box"): a title, a
/// Markdown description (sanitised when shown), an uploaded picture (a <c>StoredFile</c>, served by /files/{id} to the
/// box's members) and the contents, one line per item in order. One per product and cycle.
/// </summary>
public class BoxCycleContent
{
    public Guid ProductId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Cycle { get; set; }
    public required string Title { get; set; }
    public string? DescriptionMarkdown { get; set; }
    public Guid? ImageFileId { get; set; }
    public List<string> Contents { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}
