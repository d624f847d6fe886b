using System.Globalization;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>Display formatting. Amounts are rounded to the cent here and only here; charts get doubles here and only here.</summary>
public static class AnalyticsFormat
{
    public const string None = "—";

    public static string Money(decimal? minor, string currency) =>
        minor is { } m ? new Money((long)decimal.Round(m, 0, MidpointRounding.AwayFromZero), currency).Display() : None;

    public static string SignedMoney(decimal minor, string currency) => (minor > 0 ? "+" : "") + Money(minor, currency);

    public static string Percent(decimal? rate) =>
        rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : None;

    public static string Ratio(decimal? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : None;

    public static string Months(decimal? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + " months" : None;

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string MonthLabel(YearMonth month) =>
        new DateTime(month.Year, month.Month, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture);

    public static string ShortMonth(YearMonth month) =>
        new DateTime(month.Year, month.Month, 1).ToString("MMM yy", CultureInfo.InvariantCulture);

    /// <summary>A day for files (CSV): ISO 8601, "2026-12-07".</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A day as people read it on the dashboard: "7 Dec 2026".</summary>
    public static string ShownDay(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>Minor units to major units for a chart axis (MudChart plots doubles).</summary>
    public static double ChartMoney(decimal minor, string currency) =>
        (double)(minor / (Domain.Common.Money.Decimals(currency) switch { 0 => 1m, 3 => 1000m, _ => 100m }));

    public static double ChartPercent(decimal? rate) => rate is { } r ? (double)(r * 100) : 0;

    public static string MovementName(MovementType type) => type switch
    {
        MovementType.New => "New",
        MovementType.Expansion => "Expansion",
        MovementType.Contraction => "Contraction",
        MovementType.Churn => "Churn",
        _ => "Reactivation",
    };
}

public enum DrillKind { Movements, Customers, Invoices, Recoveries }

/// <summary>What to list behind a number: the movements of a month, its customers, its paid invoices or its recoveries.</summary>
public sealed record DrillRequest(string Title, DrillKind Kind, YearMonth Month, IReadOnlyList<MovementType> Types, YearMonth BaseMonth, bool PayingAtBase = false)
{
    public static DrillRequest Movements(string title, YearMonth month, params MovementType[] types) =>
        new(title, DrillKind.Movements, month, types.Length == 0 ? Enum.GetValues<MovementType>() : types, month);

    public static DrillRequest Customers(string title, YearMonth month) => new(title, DrillKind.Customers, month, [], month.AddMonths(-1));
}
