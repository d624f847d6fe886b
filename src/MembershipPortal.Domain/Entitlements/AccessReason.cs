namespace MembershipPortal.Domain.Entitlements;

/// <summary>Why access was granted or denied; drives the message or upsell a member sees.</summary>
public enum AccessReason
{
    // Granted
    Public,
    SignedIn,
    ActiveSubscription,
    Trialing,
    PastDueInGrace,
    CanceledUntilPeriodEnd,
    Comped,

    /// <summary>Owner or Staff: sees everything, to edit and support it.</summary>
    Staff,

    // Denied
    NotSignedIn,

    /// <summary>The member has a live subscription, but to a product that does not include this content.</summary>
    TierTooLow,

    /// <summary>The member has never had, or no longer has, anything that could include this content.</summary>
    NotEntitled,
    PaymentPastDueGraceOver,
    Unpaid,
    Paused,
    Incomplete,

    /// <summary>A canceled subscription past its period end, or an expired comp.</summary>
    SubscriptionEnded,

    /// <summary>Entitled, but drip content unlocks later.</summary>
    NotYetDripped,

    /// <summary>A status this policy does not recognise: denied rather than guessed.</summary>
    UnknownStatus,
}
