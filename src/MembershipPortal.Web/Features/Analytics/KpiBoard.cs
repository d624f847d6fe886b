using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>One KPI card: value, change against the month before, the formula in METRICS.md's words, and what a click lists.</summary>
public sealed record KpiTile(string Key, string Title, string Value, string? Change, bool? Improved, string Formula, DrillRequest Drill);

/// <summary>The KPI cards for the last month of the dashboard's range, against the month before it.</summary>
public static class KpiBoard
{
    public static IReadOnlyList<KpiTile> Build(DashboardData data)
    {
        if (data.Months.Count == 0)
            return [];
        var cur = data.Currency;
        var m = data.Months[^1];
        var p = data.Months.Count > 1 ? data.Months[^2] : null;
        var cash = data.Cash.FirstOrDefault(c => c.Month == m.Month);
        var cashBefore = p is null ? null : data.Cash.FirstOrDefault(c => c.Month == p.Month);
        var month = m.Month;
        var label = p is null ? "" : $" vs {AnalyticsFormat.ShortMonth(p.Month)}";
        var customers = DrillRequest.Customers($"Paying customers, end of {AnalyticsFormat.MonthLabel(month)}", month);
        var all = DrillRequest.Movements($"All movements, {AnalyticsFormat.MonthLabel(month)}", month);
        var churned = DrillRequest.Movements($"Churned customers, {AnalyticsFormat.MonthLabel(month)}", month, MovementType.Churn);
        var news = DrillRequest.Movements($"New customers, {AnalyticsFormat.MonthLabel(month)}", month, MovementType.New);

        string? MoneyChange(decimal? now, decimal? before) =>
            now is { } a && before is { } b && p is not null ? AnalyticsFormat.SignedMoney(a - b, cur) + label : null;
        string? PointsChange(decimal? now, decimal? before) =>
            now is { } a && before is { } b ? ((a - b) * 100 >= 0 ? "+" : "") + ((a - b) * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " pts" + label : null;
        string? RatioChange(decimal? now, decimal? before) =>
            now is { } a && before is { } b ? (a - b >= 0 ? "+" : "") + (a - b).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + label : null;
        // Better or worse only when the change shows as displayed: rates to 0.1 point, ratios to 0.01, money to the cent.
        static bool? Better(decimal? now, decimal? before, decimal unit, bool higherIsBetter) =>
            now is { } a && before is { } b && decimal.Round(a / unit) is var x && decimal.Round(b / unit) is var y && x != y
                ? x > y == higherIsBetter : null;
        bool? Up(decimal? now, decimal? before) => Better(now, before, 1m, true);
        bool? RateUp(decimal? now, decimal? before) => Better(now, before, 0.001m, true);
        bool? RateDown(decimal? now, decimal? before) => Better(now, before, 0.001m, false);
        bool? RatioUp(decimal? now, decimal? before) => Better(now, before, 0.01m, true);
        bool? Down(decimal? now, decimal? before) => Better(now, before, 1m, false);
        bool? MonthsDown(decimal? now, decimal? before) => Better(now, before, 0.1m, false);

        return
        [
            new("mrr", "MRR", AnalyticsFormat.Money(m.MrrEnd, cur), MoneyChange(m.MrrEnd, p?.MrrEnd), Up(m.MrrEnd, p?.MrrEnd),
                "mrr_end: every customer's MRR at the end of the last day of the month, summed. item_mrr = unit_amount × quantity × (1 − discount_percent/100) × factor / interval_count; only active and past_due subscriptions count.",
                customers),
            new("arr", "ARR", AnalyticsFormat.Money(m.Arr, cur), MoneyChange(m.Arr, p?.Arr), Up(m.Arr, p?.Arr), "arr = 12 × mrr_end", customers),
            new("customers", "Active customers", AnalyticsFormat.Count(m.CustomersEnd),
                p is null ? null : $"{(m.CustomersEnd - p.CustomersEnd >= 0 ? "+" : "")}{m.CustomersEnd - p.CustomersEnd}{label}",
                Up(m.CustomersEnd, p?.CustomersEnd), "customers_end: customers with MRR > 0 at the end of the month.", customers),
            new("customer-churn", "Customer churn rate", AnalyticsFormat.Percent(m.CustomerChurnRate), PointsChange(m.CustomerChurnRate, p?.CustomerChurnRate),
                RateDown(m.CustomerChurnRate, p?.CustomerChurnRate), "customer_churn_rate = churned_customers / customers_start", churned),
            new("gross-mrr-churn", "Gross MRR churn", AnalyticsFormat.Percent(m.GrossMrrChurnRate), PointsChange(m.GrossMrrChurnRate, p?.GrossMrrChurnRate),
                RateDown(m.GrossMrrChurnRate, p?.GrossMrrChurnRate), "gross_mrr_churn_rate = (churn + contraction) / mrr_start",
                DrillRequest.Movements($"Churn and contraction, {AnalyticsFormat.MonthLabel(month)}", month, MovementType.Churn, MovementType.Contraction)),
            new("net-mrr-churn", "Net MRR churn", AnalyticsFormat.Percent(m.NetMrrChurnRate), PointsChange(m.NetMrrChurnRate, p?.NetMrrChurnRate),
                RateDown(m.NetMrrChurnRate, p?.NetMrrChurnRate),
                "net_mrr_churn_rate = (churn + contraction − expansion − reactivation) / mrr_start (negative = net negative churn)", all),
            new("nrr", "NRR (12 months)", AnalyticsFormat.Percent(m.Nrr12m), PointsChange(m.Nrr12m, p?.Nrr12m), RateUp(m.Nrr12m, p?.Nrr12m),
                "nrr_12m: the customers with MRR > 0 at the end of month m−12; their total MRR at the end of m divided by their total at the end of m−12.",
                new DrillRequest($"Customers paying at the end of {AnalyticsFormat.MonthLabel(month.AddMonths(-12))}, then and now", DrillKind.Customers, month, [], month.AddMonths(-12), PayingAtBase: true)),
            new("grr", "GRR (12 months)", AnalyticsFormat.Percent(m.Grr12m), PointsChange(m.Grr12m, p?.Grr12m), RateUp(m.Grr12m, p?.Grr12m),
                "grr_12m: as nrr_12m, with each customer's MRR at the end of m capped at their own MRR at the end of m−12.",
                new DrillRequest($"Customers paying at the end of {AnalyticsFormat.MonthLabel(month.AddMonths(-12))}, then and now", DrillKind.Customers, month, [], month.AddMonths(-12), PayingAtBase: true)),
            new("arpa", "ARPA", AnalyticsFormat.Money(m.Arpa, cur), MoneyChange(m.Arpa, p?.Arpa), Up(m.Arpa, p?.Arpa), "arpa = mrr_end / customers_end", customers),
            new("aov", "Average order value", AnalyticsFormat.Money(cash?.AverageOrderValue, cur), MoneyChange(cash?.AverageOrderValue, cashBefore?.AverageOrderValue),
                null, "Cash: paid invoice total ÷ paid invoices in the month.",
                new DrillRequest($"Paid invoices, {AnalyticsFormat.MonthLabel(month)}", DrillKind.Invoices, month, [], month)),
            new("ltv", "LTV", AnalyticsFormat.Money(m.Ltv, cur), MoneyChange(m.Ltv, p?.Ltv), Up(m.Ltv, p?.Ltv),
                $"ltv = arpa × gross_margin / mean(customer_churn_rate over the last 6 months); gross margin is {data.GrossMarginPercent:0.##}%{(data.GrossMarginFromCosts ? ", measured from recorded costs over the last three whole months" : "")}.", churned),
            new("quick-ratio", "Quick ratio", AnalyticsFormat.Ratio(m.QuickRatio), RatioChange(m.QuickRatio, p?.QuickRatio), RatioUp(m.QuickRatio, p?.QuickRatio),
                "quick_ratio = (new + expansion + reactivation) / (churn + contraction)", all),
            new("cac", "CAC", m.AcquisitionSpend is null ? "Enter spend" : AnalyticsFormat.Money(m.Cac, cur), MoneyChange(m.Cac, p?.Cac), Down(m.Cac, p?.Cac),
                "cac = acquisition spend the owner entered for m / new_customers", news),
            new("payback", "CAC payback", AnalyticsFormat.Months(m.CacPaybackMonths), null, MonthsDown(m.CacPaybackMonths, p?.CacPaybackMonths),
                "cac_payback_months = cac / arpa", news),
            new("recovered", "Recovered from dunning", AnalyticsFormat.Money(m.RecoveredFromDunning, cur), MoneyChange(m.RecoveredFromDunning, p?.RecoveredFromDunning),
                Up(m.RecoveredFromDunning, p?.RecoveredFromDunning), "MRR of subscriptions that were past_due or unpaid and were paid again in the month.",
                new DrillRequest($"Recovered subscriptions, {AnalyticsFormat.MonthLabel(month)}", DrillKind.Recoveries, month, [], month)),
        ];
    }
}
