using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Billing;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>The invoices that brought money in during whole months: the cash tiles, their drill-down and the measured margin.</summary>
internal static class PaidInvoices
{
    /// <summary>The first instant of <paramref name="month"/> (UTC).</summary>
    public static DateTimeOffset Start(YearMonth month) => new(month.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Paid from the start of <paramref name="from"/> to the end of <paramref name="to"/> in <paramref name="currency"/>; refunded ones count (they were paid).</summary>
    public static IQueryable<Invoice> PaidIn(this IQueryable<Invoice> invoices, YearMonth from, YearMonth to, string currency)
    {
        var (start, end) = (Start(from), Start(to.AddMonths(1)));
        return invoices.Where(i => i.PaidAt != null && i.PaidAt >= start && i.PaidAt < end && i.Currency == currency
                                   && (i.Status == InvoiceStatus.Paid || i.Status == InvoiceStatus.PartiallyRefunded || i.Status == InvoiceStatus.Refunded));
    }
}
