using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Entitlements;

/// <summary>Who may see a piece of content.</summary>
public abstract record AccessRule
{
    private AccessRule()
    {
    }

    /// <summary>Anyone, signed in or not.</summary>
    public static AccessRule Public { get; } = new PublicRule();

    /// <summary>Any signed-in account, paying or not.</summary>
    public static AccessRule Members { get; } = new MembersRule();

    /// <summary>Members entitled to at least one of the products.</summary>
    public static AccessRule RequiresAnyOf(params Guid[] productIds) => RequiresAnyOf(productIds, dripDays: 0);

    /// <summary>
    /// Members entitled to at least one of the products; with <paramref name="dripDays"/>, only once that many days
    /// have passed since the granting subscription started. Comps are not dripped.
    /// </summary>
    public static AccessRule RequiresAnyOf(IEnumerable<Guid> productIds, int dripDays)
    {
        var set = productIds.ToHashSet();
        if (set.Count == 0)
            throw new DomainException("A product rule needs at least one product.");
        if (dripDays < 0)
            throw new DomainException($"Drip days cannot be negative; {dripDays} was given.");
        return new ProductRule(set, dripDays);
    }

    public sealed record PublicRule : AccessRule;

    public sealed record MembersRule : AccessRule;

    public sealed record ProductRule(IReadOnlySet<Guid> ProductIds, int DripDays) : AccessRule;
}
