using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Billing;

/// <summary>A line of a checkout: a price from the catalog and how many.</summary>
public sealed record NewSubscriptionItem(CatalogPrice Price, int Quantity = 1);
