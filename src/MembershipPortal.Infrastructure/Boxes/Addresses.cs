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

/// <summary>
/// A shipping zone (Domain.Shipping.ShippingZone): countries sharing one flat rate per parcel and an optional free-shipping
/// threshold. Replaced the per-country rates; each former rate became a one-country zone named by its country code.
/// </summary>
public class ShippingZone
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>The goods on one charge from which the parcel ships free, in <see cref="Currency"/>; null for never.</summary>
    public long? FreeFromMinor { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ShippingZoneCountry> Countries { get; set; } = [];
}

/// <summary>A country of a zone; the country is the key, so it is in one zone at most.</summary>
public class ShippingZoneCountry
{
    /// <summary>ISO 3166 alpha-2.</summary>
    public required string Country { get; set; }
    public int ZoneId { get; set; }
}
