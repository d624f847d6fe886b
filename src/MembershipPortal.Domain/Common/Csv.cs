using System.Globalization;

namespace MembershipPortal.Domain.Common;

/// <summary>
/// The one CSV rule every export uses: RFC 4180 quoting, and the formula guard. A cell that a spreadsheet would run
/// as a formula (it starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) gets a leading
/// <c>'</c>, unless it is a plain number such as <c>-12.50</c>, which no spreadsheet runs. Names, emails, reasons and
/// addresses are the member's or the Owner's text, so every export of them needs the guard.
/// </summary>
public static class Csv
{
    public static string Cell(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsNumber(value))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>One CSV line (without its line break).</summary>
    public static string Line(IEnumerable<string?> cells) => string.Join(',', cells.Select(Cell));

    /// <summary>A cell read back from a file this portal exported: trimmed, and the formula guard's quote dropped again.</summary>
    public static string Unguard(string value)
    {
        var v = value.Trim();
        return v.Length > 1 && v[0] == '\'' && v[1] is '=' or '+' or '-' or '@' ? v[1..] : v;
    }

    private static bool IsNumber(string value) =>
        decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
}
