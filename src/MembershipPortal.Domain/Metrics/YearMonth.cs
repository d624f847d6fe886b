using System.Globalization;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Metrics;

/// <summary>A calendar month (UTC), written YYYY-MM as in METRICS.md §6.</summary>
public readonly record struct YearMonth : IComparable<YearMonth>
{
    public YearMonth(int year, int month)
    {
        if (year is < 1 or > 9998 || month is < 1 or > 12)
            throw new DomainException($"{year:0000}-{month:00} is not a month.");
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>Months since year 0, so differences and offsets are plain arithmetic.</summary>
    public int Index => Year * 12 + Month - 1;

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => new(Year, Month, DateTime.DaysInMonth(Year, Month));

    public static YearMonth Of(DateOnly day) => new(day.Year, day.Month);

    public static YearMonth Of(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new YearMonth(utc.Year, utc.Month);
    }

    public static YearMonth FromIndex(int index) => new(index / 12, index % 12 + 1);

    public YearMonth AddMonths(int months) => FromIndex(Index + months);

    /// <summary>Whole months from this month to <paramref name="later"/> (0 for the same month).</summary>
    public int MonthsUntil(YearMonth later) => later.Index - Index;

    public bool Contains(DateOnly day) => day.Year == Year && day.Month == Month;

    public static bool TryParse(string? text, out YearMonth month)
    {
        month = default;
        if (text is null || text.Length != 7 || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year < 1 || m is < 1 or > 12)
            return false;
        month = new YearMonth(year, m);
        return true;
    }

    public static YearMonth Parse(string text) =>
        TryParse(text, out var month) ? month : throw new DomainException($"'{text}' is not a month; use YYYY-MM.");

    /// <summary>Every month from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static IEnumerable<YearMonth> Range(YearMonth from, YearMonth to)
    {
        for (var i = from.Index; i <= to.Index; i++)
            yield return FromIndex(i);
    }

    public int CompareTo(YearMonth other) => Index.CompareTo(other.Index);

    public static bool operator <(YearMonth a, YearMonth b) => a.Index < b.Index;
    public static bool operator >(YearMonth a, YearMonth b) => a.Index > b.Index;
    public static bool operator <=(YearMonth a, YearMonth b) => a.Index <= b.Index;
    public static bool operator >=(YearMonth a, YearMonth b) => a.Index >= b.Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}");
}
