using System.Globalization;
using System.Text;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>CSV of the dashboard's tables. The monthly table is METRICS.md §6 exactly; the others follow its conventions.</summary>
public static class CsvTable
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        var csv = new StringBuilder();
        // Names, emails, reasons and details are people's text: the shared rule quotes and formula-guards every cell.
        csv.Append(Csv.Line(header)).Append('\n');
        foreach (var row in rows)
            csv.Append(Csv.Line(row)).Append('\n');
        return csv.ToString();
    }

    private static string Money(decimal? value) => MetricsExport.Money(value);

    public static string Movements(IEnumerable<MovementRow> rows) => Write(
        ["day", "member_id", "name", "email", "movement", "amount", "mrr_before", "mrr_after", "changes"],
        rows.Select(r => new[] { AnalyticsFormat.Day(r.Day), r.MemberId, r.Name, r.Email, r.Type.ToString().ToLowerInvariant(), Money(r.Amount), Money(r.MrrBefore), Money(r.MrrAfter), r.Changes }));

    public static string Customers(IEnumerable<CustomerMrrRow> rows, YearMonth baseMonth, YearMonth month) => Write(
        ["member_id", "name", "email", $"mrr_end_{baseMonth}", $"mrr_end_{month}"],
        rows.Select(r => new[] { r.MemberId, r.Name, r.Email, Money(r.MrrBase), Money(r.MrrEnd) }));

    public static string Invoices(IEnumerable<InvoiceRow> rows) => Write(
        ["member_id", "name", "email", "invoice", "paid_at", "total"],
        rows.Select(r => new[] { r.MemberId, r.Name, r.Email, r.Number, r.PaidAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), r.TotalMinor.ToString(CultureInfo.InvariantCulture) }));

    public static string Recoveries(IEnumerable<RecoveryRow> rows) => Write(
        ["member_id", "name", "email", "at", "subscription_id", "mrr", "detail"],
        rows.Select(r => new[] { r.MemberId, r.Name, r.Email, r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), r.SubscriptionId, Money(r.Mrr), r.Detail }));

    public static string Cohorts(IEnumerable<CohortRow> rows, bool byRevenue)
    {
        var list = rows.ToList();
        var width = list.Count == 0 ? 0 : list.Max(r => r.Cells.Count);
        return Write(
            ["signup_month", "customers", "starting_mrr", .. Enumerable.Range(0, width).Select(k => $"month_{k}")],
            list.Select(r => new[] { r.Signup.ToString(), r.Customers.ToString(CultureInfo.InvariantCulture), Money(r.StartingMrr) }
                .Concat(r.Cells.Select(c => MetricsExport.Rate(byRevenue ? c.RevenueRetention : c.CustomerRetention)))));
    }

    public static string Forecast(IEnumerable<ForecastPoint> points) => Write(
        ["month", "expected_mrr", "low_mrr", "high_mrr"],
        points.Select(p => new[] { p.Month.ToString(), Money(p.Expected), Money(p.Low), Money(p.High) }));

    public static string ExpansionByCause(IEnumerable<MonthlyMetrics> months) => Write(
        ["month", "upgrade", "add_on", "quantity", "cross_sell", "other"],
        months.Select(m => new[] { m.Month.ToString(), Money(m.ExpansionByCause.Upgrade), Money(m.ExpansionByCause.AddOn), Money(m.ExpansionByCause.Quantity), Money(m.ExpansionByCause.CrossSell), Money(m.ExpansionByCause.Other) }));

    public static string CancelReasons(IEnumerable<CancelReasonRow> rows) => Write(
        ["reason", "canceled", "scheduled_to_cancel"],
        rows.Select(r => new[] { r.Reason, r.Canceled.ToString(CultureInfo.InvariantCulture), r.Scheduled.ToString(CultureInfo.InvariantCulture) }));

    public static string Cash(IEnumerable<CashMonth> months) => Write(
        ["month", "paid_invoice_total", "paid_invoices", "average_order_value"],
        months.Select(m => new[] { m.Month.ToString(), m.PaidTotalMinor.ToString(CultureInfo.InvariantCulture), m.PaidInvoices.ToString(CultureInfo.InvariantCulture), Money(m.AverageOrderValue) }));
}
