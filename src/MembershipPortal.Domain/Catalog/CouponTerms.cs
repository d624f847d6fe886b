using System.Globalization;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Catalog;

/// <summary>
/// What a coupon takes off and for how long. Immutable: a subscription item keeps a copy of the terms it was
/// discounted with, so later edits to the coupon do not change existing subscriptions.
/// </summary>
public sealed record CouponTerms
{
    private CouponTerms(string code, decimal? percentOff, Money? amountOff, CouponDuration duration, int? durationInMonths)
    {
        if (!Enum.IsDefined(duration))
            throw new DomainException($"'{duration}' is not a coupon duration.");
        if (duration == CouponDuration.Repeating && durationInMonths is not >= 1)
            throw new DomainException("A repeating coupon needs a duration of at least one month.");
        if (duration != CouponDuration.Repeating && durationInMonths is not null)
            throw new DomainException($"Only repeating coupons have a duration in months; this one is {duration}.");

        Code = NormalizeCode(code);
        PercentOff = percentOff;
        AmountOff = amountOff;
        Duration = duration;
        DurationInMonths = durationInMonths;
    }

    /// <summary>Upper-case, trimmed; compared case-insensitively by normalising both sides.</summary>
    public string Code { get; }

    /// <summary>1 to 100; null for an amount-off coupon.</summary>
    public decimal? PercentOff { get; }

    /// <summary>Null for a percent-off coupon.</summary>
    public Money? AmountOff { get; }

    public CouponDuration Duration { get; }

    /// <summary>Only for <see cref="CouponDuration.Repeating"/>.</summary>
    public int? DurationInMonths { get; }

    public static CouponTerms Percent(string code, decimal percentOff, CouponDuration duration, int? durationInMonths = null)
    {
        if (percentOff is < 1 or > 100)
            throw new DomainException($"A percentage discount must be between 1 and 100; {percentOff} was given.");
        return new CouponTerms(code, percentOff, null, duration, durationInMonths);
    }

    public static CouponTerms Amount(string code, Money amountOff, CouponDuration duration, int? durationInMonths = null)
    {
        if (amountOff.Minor <= 0)
            throw new DomainException($"An amount-off discount must be positive; {amountOff} was given.");
        return new CouponTerms(code, null, amountOff, duration, durationInMonths);
    }

    public static string NormalizeCode(string code)
    {
        var normalized = (code ?? "").Trim().ToUpperInvariant();
        if (normalized.Length is 0 or > 64 || !normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new DomainException($"'{code}' is not a valid coupon code: use 1-64 letters, digits, '-' or '_'.");
        return normalized;
    }

    public bool Matches(string code) =>
        string.Equals(Code, (code ?? "").Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The discount on one invoice amount. Percentages round half away from zero to the minor unit; an amount
    /// off never exceeds the amount, so a discounted invoice is never negative.
    /// </summary>
    public Money DiscountFor(Money amount)
    {
        if (amount.Minor <= 0)
            return Money.Zero(amount.Currency);
        if (PercentOff is { } percent)
            return Money.FromDecimal(amount.ToDecimal() * percent / 100m, amount.Currency);

        var off = AmountOff!.Value;
        if (off.Currency != amount.Currency)
            throw new DomainException($"Coupon {Code} is in {off.Currency} and cannot discount an amount in {amount.Currency}.");
        return off.Minor >= amount.Minor ? amount : off;
    }

    /// <summary>
    /// Whether the invoice for billing cycle <paramref name="billingCycleIndex"/> (0 = first) is discounted.
    /// Repeating coupons cover invoices whose period starts within N months of the subscription start: a yearly
    /// price with 3 months gets one discounted invoice, monthly gets N, quarterly with 6 gets 2. Day and week
    /// cadences measure a month as 365/12 days.
    /// </summary>
    public bool AppliesToInvoice(int billingCycleIndex, PriceTerms terms)
    {
        if (billingCycleIndex < 0)
            throw new DomainException($"A billing cycle index cannot be negative; {billingCycleIndex} was given.");
        return Duration switch
        {
            CouponDuration.Once => billingCycleIndex == 0,
            CouponDuration.Forever => true,
            _ => terms.PeriodMonths is { } months
                ? (long)billingCycleIndex * months < DurationInMonths!.Value
                : (long)billingCycleIndex * terms.PeriodDays * 12 < DurationInMonths!.Value * 365L,
        };
    }

    /// <summary>
    /// Calendar form of <see cref="AppliesToInvoice"/>: whether a period starting at <paramref name="periodStart"/>
    /// is discounted when the discount began at <paramref name="discountStart"/>.
    /// </summary>
    public bool AppliesToPeriodStarting(DateTimeOffset periodStart, DateTimeOffset discountStart) => Duration switch
    {
        CouponDuration.Once => periodStart <= discountStart,
        CouponDuration.Forever => true,
        _ => periodStart < discountStart.AddMonths(DurationInMonths!.Value),
    };

    public string Describe()
    {
        var off = PercentOff is { } p ? $"{p.ToString("0.##", CultureInfo.InvariantCulture)}% off" : $"{AmountOff!.Value.Display()} off";
        return Duration switch
        {
            CouponDuration.Once => $"{off} the first invoice",
            CouponDuration.Forever => $"{off} forever",
            _ => $"{off} for {DurationInMonths} month{(DurationInMonths == 1 ? "" : "s")}",
        };
    }
}
