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
    public static readonly string[] Columns =
    [
        "month", "mrr_start", "new", "expansion", "contraction", "churn", "reactivation", "mrr_end", "customers_start",
        "customers_end", "new_customers", "reactivated_customers", "churned_customers", "customer_churn_rate",
        "gross_mrr_churn_rate", "net_mrr_churn_rate", "nrr_month", "grr_month", "nrr_12m", "grr_12m", "arr", "arpa",
        "quick_ratio", "ltv",
    ];

    private enum Kind { Text, Money, Count, Rate }

    private static IEnumerable<(string Column, Kind Kind, object? Value)> Cells(MonthlyMetrics m) =>
    [
        ("month", Kind.Text, m.Month.ToString()),
        ("mrr_start", Kind.Money, m.MrrStart),
        ("new", Kind.Money, m.New),
        ("expansion", Kind.Money, m.Expansion),
        ("contraction", Kind.Money, m.Contraction),
        ("churn", Kind.Money, m.Churn),
        ("reactivation", Kind.Money, m.Reactivation),
        ("mrr_end", Kind.Money, m.MrrEnd),
        ("customers_start", Kind.Count, m.CustomersStart),
        ("customers_end", Kind.Count, m.CustomersEnd),
        ("new_customers", Kind.Count, m.NewCustomers),
        ("reactivated_customers", Kind.Count, m.ReactivatedCustomers),
        ("churned_customers", Kind.Count, m.ChurnedCustomers),
        ("customer_churn_rate", Kind.Rate, m.CustomerChurnRate),
        ("gross_mrr_churn_rate", Kind.Rate, m.GrossMrrChurnRate),
        ("net_mrr_churn_rate", Kind.Rate, m.NetMrrChurnRate),
        ("nrr_month", Kind.Rate, m.NrrMonth),
        ("grr_month", Kind.Rate, m.GrrMonth),
        ("nrr_12m", Kind.Rate, m.Nrr12m),
        ("grr_12m", Kind.Rate, m.Grr12m),
        ("arr", Kind.Money, m.Arr),
        ("arpa", Kind.Money, m.Arpa),
        ("quick_ratio", Kind.Rate, m.QuickRatio),
        ("ltv", Kind.Money, m.Ltv),
    ];

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
                        case null: json.WriteNull(column); break;
                        case string s: json.WriteString(column, s); break;
                        case int i: json.WriteNumber(column, i); break;
                        case decimal d: json.WriteNumber(column, Round(kind, d)); break;
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
        _ => Csv((string)value!),
    };

    private static decimal Round(Kind kind, decimal value) =>
        kind == Kind.Money ? MrrMath.Round(value) / 1.0000000000000000000000000000m : Significant(value);

    /// <summary>Rounds to 12 significant digits without leaving decimal arithmetic.</summary>
    public static decimal Significant(decimal value, int digits = 12)
    {
        if (value == 0) return 0;
        var magnitude = Math.Abs(value);
        var scale = digits;
        while (magnitude >= 10 && scale > 0) { magnitude /= 10; scale--; }
        while (magnitude < 1 && scale < 28) { magnitude *= 10; scale++; }
        return decimal.Round(value, Math.Clamp(scale - 1, 0, 28), MidpointRounding.AwayFromZero) / 1.0000000000000000000000000000m; // drops trailing zeros
    }

    /// <summary>Quotes a CSV cell when it needs it (RFC 4180).</summary>
    public static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
