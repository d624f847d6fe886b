namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// One month of METRICS.md §4, in §6's column order, plus the dashboard's extras. Money is decimal minor units (two
/// decimals); rates are fractions; null where a denominator is 0.
/// </summary>
public sealed record MonthlyMetrics
{
    public required YearMonth Month { get; init; }
    public required decimal MrrStart { get; init; }
    public required decimal New { get; init; }
    public required decimal Expansion { get; init; }
    public required decimal Contraction { get; init; }
    public required decimal Churn { get; init; }
    public required decimal Reactivation { get; init; }
    public required decimal MrrEnd { get; init; }
    public required int CustomersStart { get; init; }
    public required int CustomersEnd { get; init; }
    public required int NewCustomers { get; init; }
    public required int ReactivatedCustomers { get; init; }
    public required int ChurnedCustomers { get; init; }
    public decimal? CustomerChurnRate { get; init; }
    public decimal? GrossMrrChurnRate { get; init; }
    public decimal? NetMrrChurnRate { get; init; }
    public decimal? NrrMonth { get; init; }
    public decimal? GrrMonth { get; init; }
    public decimal? Nrr12m { get; init; }
    public decimal? Grr12m { get; init; }
    public required decimal Arr { get; init; }
    public decimal? Arpa { get; init; }
    public decimal? QuickRatio { get; init; }
    public decimal? Ltv { get; init; }

    // Beyond §6: shown on the dashboard, not exported in the §6 format.
    public required ExpansionBreakdown ExpansionByCause { get; init; }
    public required int ExpansionMovements { get; init; }
    public required int ContractionMovements { get; init; }

    /// <summary>MRR of subscriptions that were past due or unpaid and were paid again this month.</summary>
    public required decimal RecoveredFromDunning { get; init; }

    /// <summary>What the Owner entered as acquisition spend for the month, in minor units; null when nothing was entered.</summary>
    public long? AcquisitionSpend { get; init; }
    public decimal? Cac { get; init; }
    public decimal? CacPaybackMonths { get; init; }

    /// <summary>The month identity of §3; true for every row the engine makes.</summary>
    public bool IdentityHolds => MrrEnd == MrrStart + New + Reactivation + Expansion - Contraction - Churn;
}
