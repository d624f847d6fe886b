namespace MembershipPortal.Domain.Catalog;

/// <summary>How long a coupon keeps discounting a subscription (Stripe's once / repeating / forever).</summary>
public enum CouponDuration
{
    /// <summary>Only the first invoice.</summary>
    Once,

    /// <summary>Invoices whose period starts within <see cref="CouponTerms.DurationInMonths"/> months of the subscription start.</summary>
    Repeating,

    /// <summary>Every invoice.</summary>
    Forever,
}
