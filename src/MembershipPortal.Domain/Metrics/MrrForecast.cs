namespace MembershipPortal.Domain.Metrics;

/// <summary>A change already known to come (a scheduled cancellation or downgrade, a trial's expected conversion).</summary>
public sealed record ScheduledMrrChange(DateOnly Day, decimal Delta, string Kind);

public sealed record ForecastPoint(YearMonth Month, decimal Expected, decimal Low, decimal High);

/// <summary>
/// The next months of MRR from the current book: each month, MRR × (1 − churn rate + expansion rate) + new MRR, plus
/// what is already scheduled for that month. A trailing month gives a churn rate ((churn + contraction) ÷ mrr_start),
/// an expansion rate ((expansion + reactivation) ÷ mrr_start) and its new MRR. The expected line uses their means; the
/// band replays the trailing month that grew least (low) and most (high), so it stays a month that really happened.
/// </summary>
public static class MrrForecast
{
    private sealed record Rates(decimal Churn, decimal Growth, decimal New)
    {
        public decimal Net(decimal mrr) => mrr == 0 ? New : Growth - Churn + New / mrr;
    }

    public static IReadOnlyList<ForecastPoint> Project(
        decimal currentMrr, YearMonth firstMonth, IReadOnlyList<MonthlyMetrics> trailing, IEnumerable<ScheduledMrrChange> scheduled, int months = 12)
    {
        var observed = trailing.Select(m => m.MrrStart > 0
                ? new Rates((m.Churn + m.Contraction) / m.MrrStart, (m.Expansion + m.Reactivation) / m.MrrStart, m.New)
                : new Rates(0, 0, m.New))
            .ToList();
        var zero = new Rates(0, 0, 0);
        var expected = observed.Count == 0 ? zero
            : new Rates(observed.Average(r => r.Churn), observed.Average(r => r.Growth), observed.Average(r => r.New));
        var low = observed.Count == 0 ? zero : observed.MinBy(r => r.Net(currentMrr))!;
        var high = observed.Count == 0 ? zero : observed.MaxBy(r => r.Net(currentMrr))!;

        var byMonth = scheduled.GroupBy(s => YearMonth.Of(s.Day)).ToDictionary(g => g.Key, g => g.Sum(s => s.Delta));
        decimal e = currentMrr, l = currentMrr, h = currentMrr;
        var points = new List<ForecastPoint>(months);
        for (var i = 0; i < months; i++)
        {
            var month = firstMonth.AddMonths(i);
            var known = byMonth.GetValueOrDefault(month);
            e = Step(e, expected, known);
            l = Step(l, low, known);
            h = Step(h, high, known);
            points.Add(new ForecastPoint(month, MrrMath.Round(e), MrrMath.Round(Math.Min(l, e)), MrrMath.Round(Math.Max(h, e))));
        }
        return points;
    }

    private static decimal Step(decimal mrr, Rates rates, decimal known) =>
        Math.Max(0, mrr * (1 - rates.Churn + rates.Growth) + rates.New + known);
}
