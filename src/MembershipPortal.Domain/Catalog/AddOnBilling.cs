namespace MembershipPortal.Domain.Catalog;

/// <summary>Whether an add-on renews with its subscription or is charged once.</summary>
public enum AddOnBilling
{
    Recurring,
    OneTime,
}
