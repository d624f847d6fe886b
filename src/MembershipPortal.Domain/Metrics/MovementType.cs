namespace MembershipPortal.Domain.Metrics;

/// <summary>The five MRR movements of METRICS.md §3; a customer's day has at most one.</summary>
public enum MovementType
{
    New,
    Expansion,
    Contraction,
    Churn,
    Reactivation,
}

/// <summary>Why a subscription's MRR changed, as far as the source knows.</summary>
public enum MrrChangeReason
{
    /// <summary>Price, discount or status changes with no better label (resume, unpaid, cancel ...).</summary>
    Other,

    /// <summary>A subscription to a product that is not an add-on started (or a trial converted).</summary>
    Subscribed,

    /// <summary>An add-on item or add-on subscription started.</summary>
    AddOn,

    /// <summary>The item moved to another plan or price.</summary>
    PlanChange,

    Quantity,

    /// <summary>A past-due or unpaid subscription was paid again.</summary>
    Recovery,
}

/// <summary>Expansion by cause (METRICS.md §3): upgrade, add-on, quantity, cross-sell into another product, or other.</summary>
public enum ExpansionCause
{
    Upgrade,
    AddOn,
    Quantity,
    CrossSell,
    Other,
}

public static class MrrChangeReasons
{
    public static ExpansionCause ToExpansionCause(this MrrChangeReason reason) => reason switch
    {
        MrrChangeReason.PlanChange => ExpansionCause.Upgrade,
        MrrChangeReason.AddOn => ExpansionCause.AddOn,
        MrrChangeReason.Quantity => ExpansionCause.Quantity,
        MrrChangeReason.Subscribed => ExpansionCause.CrossSell,
        _ => ExpansionCause.Other,
    };
}
