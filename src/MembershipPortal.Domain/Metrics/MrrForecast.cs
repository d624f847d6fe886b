namespace MembershipPortal.Domain.Metrics;

/// <summary>A change already known to come (a scheduled cancellation or downgrade, a trial's expected conversion).</summary>
public sealed record ScheduledMrrChange(DateOnly Day, decimal Delta, string Kind);

public sealed record ForecastPoint(YearMonth Month, decimal Expected, decimal Low, decimal High);

/// <summary>
/// The next months of MRR from the current book: each month, MRR × (1 − churn rate + expansion rate) + new business,
/// plus what is already scheduled for that month. Rates are the trailing months' gross MRR churn ((churn +
/// contraction) ÷ mrr_start) and expansion ((expansion + reactivation) ÷ mrr_start); new business is their new MRR.
/// The expected line uses the means; the band uses the worst and the best trailing month.
/// </summary>
public static class MrrForecast
{
    public static IReadOnlyList<ForecastPoint> Project(
        decimal currentMrr, YearMonth firstMonth, IReadOnlyList<MonthlyMetrics> trailing, IEnumerable<ScheduledMrrChange> scheduled, int months = 12)
    {
        var usable = trailing.Where(m => m.MrrStart > 0).ToList();
        var churn = usable.Select(m => (m.Churn + m.Contraction) / m.MrrStart).ToList();
        var growth = usable.Select(m => (m.Expansion + m.Reactivation) / m.MrrStart).ToList();
        var added = trailing.Select(m => m.New).ToList();
        decimal Mean(List<decimal> xs) => xs.Count == 0 ? 0 : xs.Sum() / xs.Count;
        decimal Min(List<decimal> xs) => xs.Count == 0 ? 0 : xs.Min();
        decimal Max(List<decimal> xs) => xs.Count == 0 ? 0 : xs.Max();

        var byMonth = scheduled.GroupBy(s => YearMonth.Of(s.Day)).ToDictionary(g => g.Key, g => g.Sum(s => s.Delta));
        decimal expected = currentMrr, low = currentMrr, high = currentMrr;
        var points = new List<ForecastPoint>(months);
        for (var i = 0; i < months; i++)
        {
            var month = firstMonth.AddMonths(i);
            var known = byMonth.GetValueOrDefault(month);
            expected = Step(expected, Mean(churn), Mean(growth), Mean(added), known);
            low = Step(low, Max(churn), Min(growth), Min(added), known);
            high = Step(high, Min(churn), Max(growth), Max(added), known);
            points.Add(new ForecastPoint(month, MrrMath.Round(expected), MrrMath.Round(low), MrrMath.Round(high)));
        }
        return points;
    }

    private static decimal Step(decimal mrr, decimal churnRate, decimal growthRate, decimal newMrr, decimal known) =>
        Math.Max(0, mrr * (1 - churnRate + growthRate) + newMrr + known);
}
