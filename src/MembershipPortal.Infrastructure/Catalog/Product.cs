using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Infrastructure.Catalog;

/// <summary>A thing the Owner sells. Prices hang off it (<see cref="CatalogPrice"/>); the rules live in the domain.</summary>
public class Product
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public ProductKind Kind { get; set; }
    public required string Name { get; set; }
    /// <summary>URL name, unique, lower-case letters, digits and dashes.</summary>
    public required string Slug { get; set; }
    public string DescriptionMarkdown { get; set; } = "";
    public string? ImageUrl { get; set; }
    public List<string> Features { get; set; } = [];
    /// <summary>Tier order for memberships: a higher rank is an upgrade.</summary>
    public int Rank { get; set; }
    public bool IsVisible { get; set; } = true;
    /// <summary>Members may pause subscriptions to this product.</summary>
    public bool AllowPause { get; set; }
    /// <summary>For add-ons: recurring (every period) or one-time.</summary>
    public AddOnBilling? AddOnBilling { get; set; }
    /// <summary>For add-ons: the products they can be attached to (empty = any).</summary>
    public List<Guid> AttachableTo { get; set; } = [];
    public string? StripeProductId { get; set; }
    /// <summary>Boxes: the day of the month after which changes go to the next cycle (default the 12th).</summary>
    public int BoxCutoffDay { get; set; } = 12;
    /// <summary>Boxes: the day of the month the cycle's boxes ship (default the 15th).</summary>
    public int BoxShipDay { get; set; } = 15;
    public DateTimeOffset CreatedAt { get; set; }

    public bool NeedsShipping => Kind == ProductKind.Box || (Kind == ProductKind.AddOn && ShipsPhysically);
    /// <summary>For add-ons that are mailed (a craft kit): checkout asks for an address.</summary>
    public bool ShipsPhysically { get; set; }
}
