namespace MembershipPortal.Domain.Metrics;

/// <summary>Owner settings that enter the rates: gross margin for LTV and acquisition spend for CAC.</summary>
public sealed record MetricsSettings
{
    /// <summary>A fraction: 1 (100%) by default.</summary>
    public decimal GrossMargin { get; init; } = 1m;

    /// <summary>Acquisition spend per month in minor units; months without an entry have no CAC.</summary>
    public IReadOnlyDictionary<YearMonth, long> AcquisitionSpend { get; init; } = new Dictionary<YearMonth, long>();

    /// <summary>
    /// The last day that counts: changes after it (future-dated imports) are left out and the month that contains it
    /// ends on it. Null counts everything.
    /// </summary>
    public DateOnly? AsOf { get; init; }

    public static readonly MetricsSettings Default = new();
}

/// <summary>Monthly metrics (METRICS.md §4) from the engine's movements.</summary>
public static class MetricsReport
{
    /// <summary>Months before the first requested one that are also summed, for LTV's six-month churn mean.</summary>
    private const int Lookback = 6;

    public static IReadOnlyList<MonthlyMetrics> Build(MrrEngine engine, YearMonth from, YearMonth to, MetricsSettings? settings = null)
    {
        settings ??= MetricsSettings.Default;
        if (to < from)
            return [];
        var first = from.AddMonths(-Lookback);
        var count = first.MonthsUntil(to) + 1;
        var asOf = settings.AsOf ?? DateOnly.MaxValue;

        var buckets = new Bucket[count];
        for (var i = 0; i < count; i++)
            buckets[i] = new Bucket();
        decimal mrrBefore = 0;
        var customersBefore = 0;
        // The twelve-month retention reads the ledgers only; on a large history it runs beside the monthly buckets.
        var retentionTask = Task.Run(() => TwelveMonthRetention(engine, from, to, asOf));

        foreach (var ledger in engine.Customers)
        {
            foreach (var movement in ledger.Movements)
            {
                if (movement.Day > asOf)
                    break;
                var index = first.MonthsUntil(movement.Month);
                if (index < 0)
                {
                    mrrBefore += movement.Signed;
                    customersBefore += CustomerDelta(movement.Type);
                    continue;
                }
                if (index >= count)
                    break;
                buckets[index].Add(movement);
            }
            foreach (var change in ledger.Changes)
            {
                if (change.Reason != MrrChangeReason.Recovery || change.Day > asOf)
                    continue;
                var index = first.MonthsUntil(YearMonth.Of(change.Day));
                if (index >= 0 && index < count)
                    buckets[index].Recovered += change.MrrAfter;
            }
        }

        var retention = retentionTask.GetAwaiter().GetResult();
        var rows = new List<MonthlyMetrics>(count);
        var mrr = mrrBefore;
        var customers = customersBefore;
        var churnRates = new List<decimal?>(count);
        for (var i = 0; i < count; i++)
        {
            var b = buckets[i];
            var month = first.AddMonths(i);
            var start = mrr;
            var end = start + b.New + b.Reactivation + b.Expansion - b.Contraction - b.Churn;
            var customersStart = customers;
            var customersEnd = customersStart + b.NewCustomers + b.ReactivatedCustomers - b.ChurnedCustomers;
            mrr = end;
            customers = customersEnd;

            var churnRate = Divide(b.ChurnedCustomers, customersStart);
            churnRates.Add(churnRate);
            if (month < from)
                continue;

            var arpa = Divide(end, customersEnd);
            var recentChurn = churnRates.Skip(Math.Max(0, churnRates.Count - Lookback)).Where(r => r is not null).Select(r => r!.Value).ToList();
            var meanChurn = recentChurn.Count == 0 ? (decimal?)null : recentChurn.Sum() / recentChurn.Count;
            long? spend = settings.AcquisitionSpend.TryGetValue(month, out var s) ? s : null;
            var cac = spend is { } sp ? Divide(sp, b.NewCustomers) : null;
            var (nrr12, grr12) = retention.GetValueOrDefault(month);

            rows.Add(new MonthlyMetrics
            {
                Month = month,
                MrrStart = start,
                New = b.New,
                Expansion = b.Expansion,
                Contraction = b.Contraction,
                Churn = b.Churn,
                Reactivation = b.Reactivation,
                MrrEnd = end,
                CustomersStart = customersStart,
                CustomersEnd = customersEnd,
                NewCustomers = b.NewCustomers,
                ReactivatedCustomers = b.ReactivatedCustomers,
                ChurnedCustomers = b.ChurnedCustomers,
                CustomerChurnRate = churnRate,
                GrossMrrChurnRate = Divide(b.Churn + b.Contraction, start),
                NetMrrChurnRate = Divide(b.Churn + b.Contraction - b.Expansion - b.Reactivation, start),
                NrrMonth = Divide(start + b.Expansion - b.Contraction - b.Churn, start),
                GrrMonth = Divide(start - b.Contraction - b.Churn, start),
                Nrr12m = nrr12,
                Grr12m = grr12,
                Arr = 12 * end,
                Arpa = arpa,
                QuickRatio = Divide(b.New + b.Expansion + b.Reactivation, b.Churn + b.Contraction),
                Ltv = arpa is { } a && meanChurn is { } mc ? Divide(a * settings.GrossMargin, mc) : null,
                ExpansionByCause = b.ByCause,
                ExpansionMovements = b.ExpansionMovements,
                ContractionMovements = b.ContractionMovements,
                RecoveredFromDunning = b.Recovered,
                AcquisitionSpend = spend,
                Cac = cac,
                CacPaybackMonths = cac is { } c && arpa is { } ar ? Divide(c, ar) : null,
            });
        }
        return rows;
    }

    /// <summary>A rate whose denominator is 0 is null, never 0 and never an error (§4).</summary>
    public static decimal? Divide(decimal numerator, decimal denominator) => denominator == 0 ? null : numerator / denominator;

    /// <summary>
    /// §4's nrr_12m and grr_12m: the customers paying at the end of m−12, their MRR at the end of m (capped at their own
    /// m−12 MRR for GRR) over their MRR at the end of m−12.
    /// </summary>
    private static Dictionary<YearMonth, (decimal? Nrr, decimal? Grr)> TwelveMonthRetention(MrrEngine engine, YearMonth from, YearMonth to, DateOnly asOf)
    {
        var baseMonth = from.AddMonths(-12);
        var span = baseMonth.MonthsUntil(to) + 1;
        var ends = new DateOnly[span];
        for (var i = 0; i < span; i++)
        {
            var last = baseMonth.AddMonths(i).LastDay;
            ends[i] = last < asOf ? last : asOf;
        }
        var months = from.MonthsUntil(to) + 1;
        var then = new decimal[months];
        var now = new decimal[months];
        var capped = new decimal[months];
        var values = new decimal[span];
        foreach (var ledger in engine.Customers)
        {
            MonthEndValues(ledger, ends, values);
            for (var i = 0; i < months; i++)
            {
                var before = values[i];
                if (before <= 0)
                    continue;
                var after = values[i + 12];
                then[i] += before;
                now[i] += after;
                capped[i] += Math.Min(after, before);
            }
        }
        var result = new Dictionary<YearMonth, (decimal?, decimal?)>();
        for (var i = 0; i < months; i++)
            result[from.AddMonths(i)] = (Divide(now[i], then[i]), Divide(capped[i], then[i]));
        return result;
    }

    /// <summary>The ledger's MRR at each of the given (ascending) days, in one walk over its end-of-day values.</summary>
    internal static void MonthEndValues(CustomerLedger ledger, DateOnly[] ends, decimal[] values)
    {
        var days = ledger.EndOfDayMrr;
        var d = 0;
        decimal current = 0;
        for (var i = 0; i < ends.Length; i++)
        {
            while (d < days.Count && days[d].Day <= ends[i])
                current = days[d++].Mrr;
            values[i] = current;
        }
    }

    private static int CustomerDelta(MovementType type) => type switch
    {
        MovementType.New or MovementType.Reactivation => 1,
        MovementType.Churn => -1,
        _ => 0,
    };

    private sealed class Bucket
    {
        public decimal New, Expansion, Contraction, Churn, Reactivation, Recovered;
        public int NewCustomers, ReactivatedCustomers, ChurnedCustomers, ExpansionMovements, ContractionMovements;
        public ExpansionBreakdown ByCause = ExpansionBreakdown.Zero;

        public void Add(MrrMovement m)
        {
            switch (m.Type)
            {
                case MovementType.New:
                    New += m.Amount;
                    NewCustomers++;
                    break;
                case MovementType.Reactivation:
                    Reactivation += m.Amount;
                    ReactivatedCustomers++;
                    break;
                case MovementType.Expansion:
                    Expansion += m.Amount;
                    ExpansionMovements++;
                    ByCause += m.ExpansionByCause ?? ExpansionBreakdown.Zero;
                    break;
                case MovementType.Contraction:
                    Contraction += m.Amount;
                    ContractionMovements++;
                    break;
                case MovementType.Churn:
                    Churn += m.Amount;
                    ChurnedCustomers++;
                    break;
            }
        }
    }
}
