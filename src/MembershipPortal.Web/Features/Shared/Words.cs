using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// What a person reads instead of a code: statuses, events and reasons in words ("Cancellation scheduled", not
/// <c>CancelScheduled</c>; "Renewal", not <c>subscription_cycle</c>), and counts with the right plural.
/// </summary>
public static partial class Words
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["subscription_create"] = "New subscription",
        ["subscription_cycle"] = "Renewal",
        ["subscription_update"] = "Plan change",
        ["subscription_threshold"] = "Usage threshold",
        ["PastDue"] = "Past due",
        ["PartiallyRefunded"] = "Partially refunded",
        ["CancelScheduled"] = "Cancellation scheduled",
        ["CancelUndone"] = "Cancellation withdrawn",
        ["PlanChanged"] = "Plan changed",
        ["PlanChangeScheduled"] = "Plan change scheduled",
        ["Uncollectible"] = "Not collectable",
    };

    /// <summary>An enum value or a code as words in sentence case; null and empty stay empty.</summary>
    public static string Of(object? value)
    {
        var code = value switch
        {
            null => "",
            Enum e => e.ToString(),
            _ => value.ToString() ?? "",
        };
        if (code.Length == 0)
            return "";
        if (Known.TryGetValue(code, out var known))
            return known;
        var text = new StringBuilder(code.Length + 4);
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c is '_' or '-')
            {
                text.Append(' ');
                continue;
            }
            // A new word starts at an upper-case letter after a lower-case one or a digit ("PastDue", "Step2Done").
            if (i > 0 && char.IsUpper(c) && (char.IsLower(code[i - 1]) || char.IsDigit(code[i - 1])))
                text.Append(' ');
            text.Append(text.Length == 0 ? char.ToUpper(c, CultureInfo.InvariantCulture) : char.ToLower(c, CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>"A", "A and B", "A, B and C".</summary>
    public static string List(IReadOnlyList<string> parts) => parts.Count switch
    {
        0 => "",
        1 => parts[0],
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };

    /// <summary>"1 module", "3 modules", "1 box", "2 boxes".</summary>
    public static string Count(int count, string singular, string? plural = null) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>The one date format people read: "7 Dec 2026" (UTC).</summary>
    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>A date with its time, for logs: "7 Dec 2026 14:05" (UTC).</summary>
    public static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A box cycle key ("2026-12") as the month it names ("December 2026"); anything else unchanged.</summary>
    public static string Month(string cycle) =>
        System.DateTime.TryParseExact(cycle, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month.ToString("MMMM yyyy", CultureInfo.InvariantCulture)
            : cycle;

    /// <summary>
    /// Free text written by the domain and kept in the history ("Set to cancel on 2026-12-23", "with 1 item(s)", "The 2026-12
    /// box was skipped") as a person reads it: dates as "23 Dec 2026", cycles as "December 2026", counts with their plural.
    /// Stored rows keep the text they were written with, so it is put into words when shown.
    /// </summary>
    public static string Prose(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        text = IsoDay().Replace(text, m => System.DateTime.TryParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToString("d MMM yyyy", CultureInfo.InvariantCulture)
            : m.Value);
        text = CycleKey().Replace(text, m => Month(m.Value));
        return MaybePlural().Replace(text, m => Count(int.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture), m.Groups[2].Value));
    }

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDay();

    [GeneratedRegex(@"\b\d{4}-(0[1-9]|1[0-2])\b")]
    private static partial Regex CycleKey();

    [GeneratedRegex(@"\b(\d+) ([a-z]+)\(s\)")]
    private static partial Regex MaybePlural();
}
