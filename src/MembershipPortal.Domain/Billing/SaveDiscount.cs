using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// The cancel dialog's discount offer, once accepted: <see cref="Percent"/> off every renewal whose period starts in the
/// <see cref="Months"/> months from <see cref="FirstPeriodStart"/> (the next renewal after accepting), like a Stripe coupon
/// with duration "repeating" applied now. It reduces the subscription's items only, never shipping.
/// </summary>
public sealed record SaveDiscount
{
    public SaveDiscount(int percent, int months, DateTimeOffset firstPeriodStart)
    {
        if (percent is < 1 or > 100)
            throw new DomainException($"A save discount is 1–100 percent off; {percent} was given.");
        if (months is < 1 or > 12)
            throw new DomainException($"A save discount lasts 1–12 months; {months} was given.");
        (Percent, Months, FirstPeriodStart) = (percent, months, firstPeriodStart);
    }

    public int Percent { get; }

    public int Months { get; }

    public DateTimeOffset FirstPeriodStart { get; }

    public DateTimeOffset Ends => FirstPeriodStart.AddMonths(Months);

    public bool AppliesToPeriodStarting(DateTimeOffset periodStart) => periodStart >= FirstPeriodStart && periodStart < Ends;

    public string Describe() => $"{Percent}% off for {Months} month{(Months == 1 ? "" : "s")}";

    /// <summary>The discount line for a renewal starting at <paramref name="periodStart"/>, or null when the offer does not cover it.</summary>
    public InvoiceLine? LineFor(IEnumerable<InvoiceLine> renewalLines, DateTimeOffset periodStart)
    {
        if (!AppliesToPeriodStarting(periodStart))
            return null;
        var items = renewalLines.Where(l => l.Kind is InvoiceLineKind.Subscription or InvoiceLineKind.Discount).ToList();
        if (items.Count == 0)
            return null;
        var net = items.Aggregate(Money.Zero(items[0].Amount.Currency), (sum, l) => sum + l.Amount);
        if (net.Minor <= 0)
            return null;
        var off = Money.FromDecimal(net.ToDecimal() * Percent / 100m, net.Currency);
        return off.Minor <= 0 ? null : new InvoiceLine(InvoiceLineKind.Discount, null, $"Save offer: {Describe()}", 1, Money.Zero(net.Currency) - off, true);
    }
}
