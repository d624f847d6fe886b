namespace MembershipPortal.Domain.Metrics;

/// <summary>One cohort at one age: how many of its customers still pay and how much.</summary>
public sealed record CohortCell(int MonthsSince, int ActiveCustomers, decimal Mrr, decimal? CustomerRetention, decimal? RevenueRetention);

/// <summary>The customers whose first paid day fell in <see cref="Signup"/>, followed month by month.</summary>
public sealed record CohortRow(YearMonth Signup, int Customers, decimal StartingMrr, IReadOnlyList<CohortCell> Cells);

/// <summary>
/// Signup month × months since. A customer's signup is the day of their new movement and their starting MRR is that
/// movement; cell k counts the cohort's customers with MRR &gt; 0 at the end of signup month + k and their MRR.
/// Customer retention is active ÷ cohort size; revenue retention is their MRR ÷ the cohort's starting MRR (above 1
/// when expansion outgrows churn).
/// </summary>
public static class CohortTable
{
    public static IReadOnlyList<CohortRow> Build(MrrEngine engine, YearMonth from, YearMonth to, DateOnly? asOf = null)
    {
        if (to < from)
            return [];
        var last = asOf is { } a && YearMonth.Of(a) < to ? YearMonth.Of(a) : to;
        var span = from.MonthsUntil(last) + 1;
        if (span <= 0)
            return [];
        var ends = new DateOnly[span];
        for (var i = 0; i < span; i++)
        {
            var end = from.AddMonths(i).LastDay;
            ends[i] = asOf is { } day && day < end ? day : end;
        }

        var sizes = new int[span];
        var starting = new decimal[span];
        var active = new int[span, span];
        var mrr = new decimal[span, span];
        var values = new decimal[span];
        foreach (var ledger in engine.Customers)
        {
            if (ledger.Movements.Count == 0)
                continue;
            var first = ledger.Movements[0];
            var cohort = from.MonthsUntil(first.Month);
            if (cohort < 0 || cohort >= span || first.Day > ends[^1])
                continue;
            sizes[cohort]++;
            starting[cohort] += first.MrrAfter;
            MetricsReport.MonthEndValues(ledger, ends, values);
            for (var i = cohort; i < span; i++)
            {
                if (values[i] > 0)
                    active[cohort, i - cohort]++;
                mrr[cohort, i - cohort] += values[i];
            }
        }

        var rows = new List<CohortRow>();
        for (var c = 0; c < span; c++)
        {
            var cells = new List<CohortCell>();
            for (var k = 0; c + k < span; k++)
                cells.Add(new CohortCell(k, active[c, k], mrr[c, k], MetricsReport.Divide(active[c, k], sizes[c]), MetricsReport.Divide(mrr[c, k], starting[c])));
            rows.Add(new CohortRow(from.AddMonths(c), sizes[c], starting[c], cells));
        }
        return rows;
    }
}
