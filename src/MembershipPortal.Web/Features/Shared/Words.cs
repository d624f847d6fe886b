using System.Globalization;
using System.Text;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// What a person reads instead of a code: statuses, events and reasons in words ("Cancellation scheduled", not
/// <c>CancelScheduled</c>; "Renewal", not <c>subscription_cycle</c>), and counts with the right plural.
/// </summary>
public static class Words
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
}
