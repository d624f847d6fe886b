namespace MembershipPortal.Domain.Metrics;

/// <summary>An expansion amount split by cause; the parts always add up to the expansion exactly.</summary>
public sealed record ExpansionBreakdown(decimal Upgrade, decimal AddOn, decimal Quantity, decimal CrossSell, decimal Other)
{
    public static readonly ExpansionBreakdown Zero = new(0, 0, 0, 0, 0);

    public decimal Total => Upgrade + AddOn + Quantity + CrossSell + Other;

    public decimal this[ExpansionCause cause] => cause switch
    {
        ExpansionCause.Upgrade => Upgrade,
        ExpansionCause.AddOn => AddOn,
        ExpansionCause.Quantity => Quantity,
        ExpansionCause.CrossSell => CrossSell,
        _ => Other,
    };

    public static ExpansionBreakdown operator +(ExpansionBreakdown a, ExpansionBreakdown b) =>
        new(a.Upgrade + b.Upgrade, a.AddOn + b.AddOn, a.Quantity + b.Quantity, a.CrossSell + b.CrossSell, a.Other + b.Other);

    /// <summary>
    /// Splits a day's net expansion over the causes of that day's subscription changes. Each cause's net change is
    /// taken; causes that lost MRR (a cancelled add-on the same day as an upgrade) are taken off the gaining causes,
    /// last cause first, so the parts are exact and add up to the expansion.
    /// </summary>
    public static ExpansionBreakdown Allocate(ReadOnlySpan<decimal> netByCause)
    {
        Span<decimal> parts = stackalloc decimal[5];
        decimal losses = 0;
        for (var i = 0; i < 5; i++)
        {
            if (netByCause[i] > 0)
                parts[i] = netByCause[i];
            else
                losses -= netByCause[i];
        }
        for (var i = 4; i >= 0 && losses > 0; i--)
        {
            var taken = Math.Min(parts[i], losses);
            parts[i] -= taken;
            losses -= taken;
        }
        return new ExpansionBreakdown(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }
}
