using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// Prices a mid-period plan or quantity change, Stripe-style.
/// <para>Same cadence: the fraction of the period left is (whole seconds remaining) / (whole seconds in the period),
/// computed in decimal. The credit is the old per-period amount × fraction and the charge the new per-period
/// amount × fraction, each rounded half away from zero to the minor unit.</para>
/// <para>Cadence switch (e.g. monthly → yearly): a new period starts now, so the charge is the full new price and
/// only the old side is prorated.</para>
/// <para>A coupon, when given, discounts the per-period amounts on both sides before proration: the member was
/// paying the discounted price and keeps the discount on the new one.</para>
/// </summary>
public static class Proration
{
    /// <summary>An immediate change that costs more; throws if it would leave the member in credit.</summary>
    public static ProrationPreview ForUpgrade(
        PriceTerms oldTerms,
        PriceTerms newTerms,
        int quantityOld,
        int quantityNew,
        DateTimeOffset periodStart,
        DateTimeOffset periodEnd,
        DateTimeOffset now,
        CouponTerms? coupon = null)
    {
        var preview = Immediate(oldTerms, newTerms, quantityOld, quantityNew, periodStart, periodEnd, now, coupon);
        if (preview.Net.IsNegative)
            throw new DomainException("This change lowers the price; preview it as a downgrade.");
        return preview;
    }

    /// <summary>
    /// By default the downgrade takes effect at the period end and nothing is charged now. Immediate downgrades
    /// credit the unused time; a negative net is account credit.
    /// </summary>
    public static ProrationPreview ForDowngrade(
        PriceTerms oldTerms,
        PriceTerms newTerms,
        int quantityOld,
        int quantityNew,
        DateTimeOffset periodStart,
        DateTimeOffset periodEnd,
        DateTimeOffset now,
        ProrationTiming timing = ProrationTiming.AtPeriodEnd,
        CouponTerms? coupon = null)
    {
        if (timing == ProrationTiming.Immediate)
            return Immediate(oldTerms, newTerms, quantityOld, quantityNew, periodStart, periodEnd, now, coupon);

        var fraction = Validate(oldTerms, newTerms, quantityOld, quantityNew, periodStart, periodEnd, now);
        var zero = Money.Zero(oldTerms.Currency);
        return new ProrationPreview(
            ProrationTiming.AtPeriodEnd, zero, zero, periodEnd, periodEnd, newTerms.NextPeriodEnd(periodEnd), fraction);
    }

    private static ProrationPreview Immediate(
        PriceTerms oldTerms,
        PriceTerms newTerms,
        int quantityOld,
        int quantityNew,
        DateTimeOffset periodStart,
        DateTimeOffset periodEnd,
        DateTimeOffset now,
        CouponTerms? coupon)
    {
        var fraction = Validate(oldTerms, newTerms, quantityOld, quantityNew, periodStart, periodEnd, now);
        var oldPerPeriod = Discounted(oldTerms.Amount * quantityOld, coupon);
        var newPerPeriod = Discounted(newTerms.Amount * quantityNew, coupon);
        var credit = Prorate(oldPerPeriod, fraction);

        return newTerms.HasSameCadenceAs(oldTerms)
            ? new ProrationPreview(ProrationTiming.Immediate, credit, Prorate(newPerPeriod, fraction), now, periodStart, periodEnd, fraction)
            : new ProrationPreview(ProrationTiming.Immediate, credit, newPerPeriod, now, now, newTerms.NextPeriodEnd(now), fraction);
    }

    /// <summary>Checks the inputs and returns the fraction of the period still to run.</summary>
    private static decimal Validate(
        PriceTerms oldTerms,
        PriceTerms newTerms,
        int quantityOld,
        int quantityNew,
        DateTimeOffset periodStart,
        DateTimeOffset periodEnd,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(oldTerms);
        ArgumentNullException.ThrowIfNull(newTerms);
        if (oldTerms.Currency != newTerms.Currency)
            throw new DomainException($"Cannot switch from a {oldTerms.Currency} price to a {newTerms.Currency} price.");
        if (quantityOld < 1 || quantityNew < 1)
            throw new DomainException("Quantities must be at least 1.");
        if (periodEnd <= periodStart)
            throw new DomainException("The billing period must end after it starts.");
        if (now < periodStart || now >= periodEnd)
            throw new DomainException("A change can only be prorated within the current billing period.");

        var secondsInPeriod = (periodEnd - periodStart).Ticks / TimeSpan.TicksPerSecond;
        var secondsRemaining = (periodEnd - now).Ticks / TimeSpan.TicksPerSecond;
        return secondsInPeriod == 0 ? 0m : (decimal)secondsRemaining / secondsInPeriod;
    }

    private static Money Discounted(Money perPeriod, CouponTerms? coupon) =>
        coupon is null ? perPeriod : perPeriod - coupon.DiscountFor(perPeriod);

    private static Money Prorate(Money perPeriod, decimal fraction) =>
        new((long)decimal.Round(perPeriod.Minor * fraction, 0, MidpointRounding.AwayFromZero), perPeriod.Currency);
}
