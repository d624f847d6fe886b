namespace MembershipPortal.Domain.Boxes;

/// <summary>One line of a pick list: a product and how many units to pick across every parcel.</summary>
public sealed record PickLine(Guid ProductId, string Description, int Quantity);

/// <summary>
/// The pick list for a set of parcels (boxes, kits and one-time products alike): units summed by product, whatever parcel
/// they travel in; a product's description is its first line's without the "(one-time)" note. Largest counts first.
/// </summary>
public static class PickList
{
    public static IReadOnlyList<PickLine> For(IEnumerable<(Guid ProductId, string Description, int Quantity)> lines) =>
        [.. lines.GroupBy(l => l.ProductId)
            .Select(g => new PickLine(g.Key, g.First().Description.Replace(" (one-time)", "", StringComparison.Ordinal), g.Sum(l => l.Quantity)))
            .OrderByDescending(l => l.Quantity).ThenBy(l => l.Description, StringComparer.Ordinal)];
}
