using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MembershipPortal.Domain.Metrics;

/// <summary>
/// METRICS.md §6: one row per month in the fixed column order, CSV or JSON. Money in minor units with up to two
/// decimals; rates as fractions with 12 significant digits; null as an empty CSV cell or JSON null.
/// </summary>
public static class MetricsExport
{
    private enum Kind { Text, Money, Count, Rate }

    /// <summary>The columns in their fixed order, each with its kind and value: the one list the header and rows come from.</summary>
    private static readonly (string Column, Kind Kind, Func<MonthlyMetrics, object?> Value)[] Table =
    [
        ("month", Kind.Text, m => m.Month.ToString()),
        ("mrr_start", Kind.Money, m => m.MrrStart),
        ("new", Kind.Money, m => m.New),
        ("expansion", Kind.Money, m => m.Expansion),
        ("contraction", Kind.Money, m => m.Contraction),
        ("churn", Kind.Money, m => m.Churn),
        ("reactivation", Kind.Money, m => m.Reactivation),
        ("mrr_end", Kind.Money, m => m.MrrEnd),
        ("customers_start", Kind.Count, m => m.CustomersStart),
        ("customers_end", Kind.Count, m => m.CustomersEnd),
        ("new_customers", Kind.Count, m => m.NewCustomers),
        ("reactivated_customers", Kind.Count, m => m.ReactivatedCustomers),
        ("churned_customers", Kind.Count, m => m.ChurnedCustomers),
        ("customer_churn_rate", Kind.Rate, m => m.CustomerChurnRate),
        ("gross_mrr_churn_rate", Kind.Rate, m => m.GrossMrrChurnRate),
        ("net_mrr_churn_rate", Kind.Rate, m => m.NetMrrChurnRate),
        ("nrr_month", Kind.Rate, m => m.NrrMonth),
        ("grr_month", Kind.Rate, m => m.GrrMonth),
        ("nrr_12m", Kind.Rate, m => m.Nrr12m),
        ("grr_12m", Kind.Rate, m => m.Grr12m),
        ("arr", Kind.Money, m => m.Arr),
        ("arpa", Kind.Money, m => m.Arpa),
        ("quick_ratio", Kind.Rate, m => m.QuickRatio),
        ("ltv", Kind.Money, m => m.Ltv),
    ];

    public static readonly string[] Columns = [.. Table.Select(c => c.Column)];

    private static IEnumerable<(string Column, Kind Kind, object? Value)> Cells(MonthlyMetrics m) =>
        Table.Select(c => (c.Column, c.Kind, c.Value(m)));

    public static string ToCsv(IEnumerable<MonthlyMetrics> months)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append('\n');
        foreach (var m in months)
            csv.Append(string.Join(',', Cells(m).Select(c => Format(c.Kind, c.Value)))).Append('\n');
        return csv.ToString();
    }

    public static string ToJson(IEnumerable<MonthlyMetrics> months)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var m in months)
            {
                json.WriteStartObject();
                foreach (var (column, kind, value) in Cells(m))
                {
                    switch (value)
                    {
                        case null:
                            json.WriteNull(column);
                            break;
                        case string s:
                            json.WriteString(column, s);
                            break;
                        case int i:
                            json.WriteNumber(column, i);
                            break;
                        case decimal d:
                            json.WriteNumber(column, Round(kind, d));
                            break;
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Minor units with up to two decimals: 66666.67, 6000.</summary>
    public static string Money(decimal? value) => value is { } v ? MrrMath.Round(v).ToString("0.##", CultureInfo.InvariantCulture) : "";

    /// <summary>A fraction with 12 significant digits, trailing zeros dropped: 0.05, 0.333333333333.</summary>
    public static string Rate(decimal? value) => value is { } v ? Significant(v).ToString("0.############################", CultureInfo.InvariantCulture) : "";

    private static string Format(Kind kind, object? value) => kind switch
    {
        Kind.Money => Money((decimal?)value),
        Kind.Rate => Rate((decimal?)value),
        Kind.Count => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        _ => Common.Csv.Cell((string)value!),
    };

    private static decimal Round(Kind kind, decimal value) =>
        kind == Kind.Money ? MrrMath.Round(value) / 1.0000000000000000000000000000m : Significant(value);

    /// <summary>Rounds to 12 significant digits without leaving decimal arithmetic.</summary>
    public static decimal Significant(decimal value, int digits = 12)
    {
        if (value == 0)
            return 0;
        var magnitude = Math.Abs(value);
        var scale = digits;
        while (magnitude >= 10 && scale > 0)
        { magnitude /= 10; scale--; }
        while (magnitude < 1 && scale < 28)
        { magnitude *= 10; scale++; }
        return decimal.Round(value, Math.Clamp(scale - 1, 0, 28), MidpointRounding.AwayFromZero) / 1.0000000000000000000000000000m; // drops trailing zeros
    }

}
