namespace MembershipPortal.Domain.Billing;

/// <summary>What dunning does when a past-due subscription's grace period runs out (a per-portal policy).</summary>
public enum GraceExpiryAction
{
    /// <summary>Keep the subscription as unpaid: access stops, paying the open invoice restores it.</summary>
    MarkUnpaid,

    /// <summary>Cancel the subscription outright.</summary>
    Cancel,
}
