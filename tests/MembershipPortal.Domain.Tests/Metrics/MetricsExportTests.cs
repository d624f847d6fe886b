using System.Text.Json;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Domain.Tests.Metrics;

public class MetricsExportTests
{
    private static IReadOnlyList<MonthlyMetrics> Rows() =>
        MetricsReport.Build(WorkedExample.Engine(), new YearMonth(2026, 1), new YearMonth(2026, 6));

    [Fact]
    public void Csv_HasTheColumnsOfSection6InOrder_AndOneRowPerMonth()
    {
        var lines = MetricsExport.ToCsv(Rows()).TrimEnd('\n').Split('\n');

        Assert.Equal("month,mrr_start,new,expansion,contraction,churn,reactivation,mrr_end,customers_start,customers_end,new_customers,reactivated_customers,churned_customers,customer_churn_rate,gross_mrr_churn_rate,net_mrr_churn_rate,nrr_month,grr_month,nrr_12m,grr_12m,arr,arpa,quick_ratio,ltv", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("2026-01,0,68166.67,0,0,0,0,68166.67,0,1,1,0,0,,,,,,,,818000.04,68166.67,,", lines[1]);
    }

    [Fact]
    public void Csv_NullRatesAreEmptyCells()
    {
        var june = MetricsExport.ToCsv(Rows()).TrimEnd('\n').Split('\n')[6].Split(',');

        Assert.Equal("2026-06", june[0]);
        Assert.Equal("", june[Array.IndexOf(MetricsExport.Columns, "customer_churn_rate")]);
        Assert.Equal("", june[Array.IndexOf(MetricsExport.Columns, "nrr_month")]);
        Assert.Equal("1500", june[Array.IndexOf(MetricsExport.Columns, "mrr_end")]);
    }

    [Fact]
    public void Csv_RatesHaveAtLeastSixSignificantDigits()
    {
        var march = MetricsExport.ToCsv(Rows()).TrimEnd('\n').Split('\n')[3].Split(',');

        // 6000 / 74166.67
        Assert.Equal("0.0808988727", march[Array.IndexOf(MetricsExport.Columns, "gross_mrr_churn_rate")][..12]);
    }

    [Theory]
    [InlineData("0.05", "0.05")]
    [InlineData("0.333333333333333333", "0.333333333333")]
    [InlineData("1.5", "1.5")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("0.000012345678901234", "0.0000123456789012")]
    [InlineData("0", "0")]
    public void Rate_TwelveSignificantDigitsNoTrailingZeros(string value, string expected) =>
        Assert.Equal(expected, MetricsExport.Rate(History.D(value)));

    [Theory]
    [InlineData("66666.67", "66666.67")]
    [InlineData("6000.00", "6000")]
    [InlineData("0.5", "0.5")]
    [InlineData("1234.565", "1234.57")]
    public void Money_MinorUnitsWithUpToTwoDecimals(string value, string expected) =>
        Assert.Equal(expected, MetricsExport.Money(History.D(value)));

    [Fact]
    public void Json_SameColumnsAsNumbersAndNulls()
    {
        using var doc = JsonDocument.Parse(MetricsExport.ToJson(Rows()));
        var rows = doc.RootElement.EnumerateArray().ToList();

        Assert.Equal(6, rows.Count);
        Assert.Equal(MetricsExport.Columns, rows[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01", rows[0].GetProperty("month").GetString());
        Assert.Equal(68166.67m, rows[0].GetProperty("new").GetDecimal());
        Assert.Equal("68166.67", rows[0].GetProperty("new").GetRawText());
        Assert.Equal("6000", rows[1].GetProperty("expansion").GetRawText());
        Assert.Equal(JsonValueKind.Null, rows[5].GetProperty("nrr_month").ValueKind);
        Assert.Equal(1, rows[5].GetProperty("customers_end").GetInt32());
    }
}
