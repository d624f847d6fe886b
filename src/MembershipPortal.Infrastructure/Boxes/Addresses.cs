namespace MembershipPortal.Infrastructure.Boxes;

/// <summary>
/// One address in a member's address book. A box subscription points at one (<see cref="Billing.SubscriptionRecord.AddressId"/>)
/// and keeps a copy of it, which shipment generation reads; editing the address updates the copies of the subscriptions
/// that ship to it, and a shipment already generated keeps its own snapshot.
/// </summary>
public class MemberAddress
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string MemberId { get; set; }
    /// <summary>The member's own name for it ("Home", "Office"); optional.</summary>
    public string? Label { get; set; }
    public required string Name { get; set; }
    public required string Line1 { get; set; }
    public string? Line2 { get; set; }
    public required string City { get; set; }
    public string? Region { get; set; }
    public required string PostalCode { get; set; }
    public required string Country { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A country the Owner ships boxes to and the flat shipping rate charged per box (with each box's payment).</summary>
public class ShippingRate
{
    /// <summary>ISO 3166 alpha-2.</summary>
    public required string Country { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
