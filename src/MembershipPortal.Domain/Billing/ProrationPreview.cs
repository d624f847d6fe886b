using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

public enum ProrationTiming
{
    /// <summary>Change now: credit the unused old time, charge the new price for the rest.</summary>
    Immediate,

    /// <summary>Change when the current period ends: nothing is charged or credited now.</summary>
    AtPeriodEnd,
}

/// <summary>
/// What a plan change costs. <see cref="UnusedCredit"/> and <see cref="RemainingCharge"/> are both positive and
/// rounded separately, as they appear as two invoice lines; <see cref="Net"/> is their difference. A negative net
/// is not refunded: it becomes <see cref="AccountCredit"/> against future invoices.
/// </summary>
public sealed record ProrationPreview(
    ProrationTiming Timing,
    Money UnusedCredit,
    Money RemainingCharge,
    DateTimeOffset EffectiveAt,
    DateTimeOffset NewPeriodStart,
    DateTimeOffset NewPeriodEnd,
    decimal RemainingFraction)
{
    public Money Net => RemainingCharge - UnusedCredit;

    public Money AmountDueNow => Net.IsNegative ? Money.Zero(Net.Currency) : Net;

    public Money AccountCredit => Net.IsNegative ? Money.Zero(Net.Currency) - Net : Money.Zero(Net.Currency);
}
