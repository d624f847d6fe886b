namespace MembershipPortal.Domain.Catalog;

/// <summary>What a product delivers: ongoing membership, a course, a physical box, or an add-on to one of those.</summary>
public enum ProductKind
{
    Membership,
    Course,
    Box,
    AddOn,
}
