using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Catalog;

/// <summary>
/// What a recurring price charges and on which calendar cadence. Immutable and validated on creation, so a
/// subscription item can keep a snapshot of the terms it was bought on (grandfathering).
/// </summary>
public sealed record PriceTerms
{
    public PriceTerms(Money amount, BillingInterval interval, int intervalCount = 1, int trialDays = 0, Money? setupFee = null)
    {
        if (amount.IsNegative)
            throw new DomainException($"A price cannot be negative ({amount}).");
        if (!Enum.IsDefined(interval))
            throw new DomainException($"'{interval}' is not a billing interval.");
        if (intervalCount < 1)
            throw new DomainException($"A price must renew every 1 or more {interval.ToString().ToLowerInvariant()}s; {intervalCount} was given.");
        if (trialDays < 0)
            throw new DomainException($"Trial days cannot be negative; {trialDays} was given.");
        if (setupFee is { } fee)
        {
            if (fee.IsNegative)
                throw new DomainException($"A setup fee cannot be negative ({fee}).");
            if (fee.Currency != amount.Currency)
                throw new DomainException($"The setup fee is in {fee.Currency} but the price is in {amount.Currency}.");
        }

        Amount = amount;
        Interval = interval;
        IntervalCount = intervalCount;
        TrialDays = trialDays;
        SetupFee = setupFee is { Minor: 0 } ? null : setupFee;
    }

    /// <summary>Charged once per interval, per unit of quantity.</summary>
    public Money Amount { get; }

    public BillingInterval Interval { get; }

    /// <summary>How many <see cref="Interval"/>s one period lasts: 3 months is quarterly.</summary>
    public int IntervalCount { get; }

    public int TrialDays { get; }

    /// <summary>Charged once with the first invoice; null when there is none.</summary>
    public Money? SetupFee { get; }

    public string Currency => Amount.Currency;

    public bool HasTrial => TrialDays > 0;

    public static PriceTerms Monthly(Money amount, int trialDays = 0, Money? setupFee = null) =>
        new(amount, BillingInterval.Month, 1, trialDays, setupFee);

    public static PriceTerms Quarterly(Money amount, int trialDays = 0, Money? setupFee = null) =>
        new(amount, BillingInterval.Month, 3, trialDays, setupFee);

    public static PriceTerms Yearly(Money amount, int trialDays = 0, Money? setupFee = null) =>
        new(amount, BillingInterval.Year, 1, trialDays, setupFee);

    /// <summary>True when both renew on the same calendar cadence (all items of one subscription must).</summary>
    public bool HasSameCadenceAs(PriceTerms other) => Interval == other.Interval && IntervalCount == other.IntervalCount;

    /// <summary>
    /// The boundary <paramref name="periods"/> periods away from <paramref name="anchor"/> (negative goes back).
    /// Always computed from the anchor, never by chaining: monthly from Jan 31 gives Feb 28/29, then Mar 31,
    /// where chaining would drift to Mar 28/29. Month ends clamp, as <see cref="DateTimeOffset.AddMonths"/> does.
    /// </summary>
    public DateTimeOffset AddIntervals(DateTimeOffset anchor, int periods)
    {
        var units = checked(periods * IntervalCount);
        return Interval switch
        {
            BillingInterval.Day => anchor.AddDays(units),
            BillingInterval.Week => anchor.AddDays(checked(units * 7)),
            BillingInterval.Month => anchor.AddMonths(units),
            BillingInterval.Year => anchor.AddYears(units),
            _ => throw new DomainException($"'{Interval}' is not a billing interval."),
        };
    }

    /// <summary>End of a period that starts on (and is anchored at) <paramref name="start"/>.</summary>
    public DateTimeOffset NextPeriodEnd(DateTimeOffset start) => AddIntervals(start, 1);

    /// <summary>The first boundary of the anchored schedule strictly after <paramref name="instant"/>.</summary>
    public DateTimeOffset BoundaryAfter(DateTimeOffset anchor, DateTimeOffset instant) =>
        AddIntervals(anchor, IndexAtOrBefore(anchor, instant) + 1);

    /// <summary>The last boundary of the anchored schedule strictly before <paramref name="instant"/>.</summary>
    public DateTimeOffset BoundaryBefore(DateTimeOffset anchor, DateTimeOffset instant)
    {
        var index = IndexAtOrBefore(anchor, instant);
        var boundary = AddIntervals(anchor, index);
        return boundary < instant ? boundary : AddIntervals(anchor, index - 1);
    }

    /// <summary>
    /// The price normalised to one month, in minor units, unrounded: yearly / 12, weekly × 52 / 12,
    /// daily × 365 / 12, each divided by the interval count (quarterly is price / 3).
    /// </summary>
    public decimal MonthlyEquivalent() => MonthlyEquivalentOf(Amount.Minor);

    /// <summary>Normalises any per-period amount in minor units (e.g. after quantity and discount) to one month.</summary>
    public decimal MonthlyEquivalentOf(long minorPerPeriod) =>
        minorPerPeriod * (decimal)PeriodsPerYear(Interval) / (12m * IntervalCount);

    /// <summary>Length of one period in whole calendar months, or null for day and week cadences.</summary>
    public int? PeriodMonths => Interval switch
    {
        BillingInterval.Month => IntervalCount,
        BillingInterval.Year => 12 * IntervalCount,
        _ => null,
    };

    /// <summary>Length of one period in days, for day and week cadences.</summary>
    internal int PeriodDays => Interval == BillingInterval.Week ? 7 * IntervalCount : IntervalCount;

    private static int PeriodsPerYear(BillingInterval interval) => interval switch
    {
        BillingInterval.Day => 365,
        BillingInterval.Week => 52,
        BillingInterval.Month => 12,
        BillingInterval.Year => 1,
        _ => throw new DomainException($"'{interval}' is not a billing interval."),
    };

    /// <summary>Largest k with AddIntervals(anchor, k) &lt;= instant: estimated, then corrected by stepping.</summary>
    private int IndexAtOrBefore(DateTimeOffset anchor, DateTimeOffset instant)
    {
        var approximateDays = IntervalCount * Interval switch
        {
            BillingInterval.Day => 1,
            BillingInterval.Week => 7,
            BillingInterval.Month => 30,
            _ => 365,
        };
        var index = (int)((instant - anchor).Ticks / TimeSpan.TicksPerDay / approximateDays);
        while (AddIntervals(anchor, index) > instant)
            index--;
        while (AddIntervals(anchor, index + 1) <= instant)
            index++;
        return index;
    }
}
