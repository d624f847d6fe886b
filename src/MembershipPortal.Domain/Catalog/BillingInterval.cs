namespace MembershipPortal.Domain.Catalog;

/// <summary>The calendar unit a recurring price renews on; combined with <see cref="PriceTerms.IntervalCount"/>.</summary>
public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}
