namespace MembershipPortal.Domain.Boxes;

/// <summary>What a box cycle holds, as members read it: a title, a Markdown description and the contents in order.</summary>
public sealed record CycleContentText(string Title, string? DescriptionMarkdown, IReadOnlyList<string> Contents);

/// <summary>
/// The Owner's text for a box cycle ("what's in the December box"), checked whole: a title is required, every part has
/// a length limit and the contents list holds at most <see cref="MaxLines"/> lines. Blank lines are dropped and the rest
/// trimmed, in the order given. Either the text is accepted as a whole or every problem is named and nothing is.
/// </summary>
public static class CycleContentRules
{
    public const int TitleMax = 120;
    public const int DescriptionMax = 10_000;
    public const int LineMax = 200;
    public const int MaxLines = 30;

    /// <summary>The lines of a one-item-per-line text, as typed (blank ones included; <see cref="Check"/> drops them).</summary>
    public static IReadOnlyList<string> SplitLines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    public static (CycleContentText? Content, IReadOnlyList<string> Problems) Check(string? title, string? description, IEnumerable<string>? lines)
    {
        var problems = new List<string>();
        var t = (title ?? "").Trim();
        if (t.Length == 0)
            problems.Add("Enter a title, such as “Winter spices”.");
        else if (t.Length > TitleMax)
            problems.Add($"The title can be at most {TitleMax} characters (it has {t.Length}).");
        else if (t.Any(char.IsControl))
            problems.Add("The title is one line of text.");

        var d = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (d is { Length: > DescriptionMax })
            problems.Add($"The description can be at most {DescriptionMax:N0} characters (it has {d.Length:N0}).");

        var contents = (lines ?? []).Select(l => (l ?? "").Trim()).Where(l => l.Length > 0).ToList();
        if (contents.Count > MaxLines)
            problems.Add($"The contents list can have at most {MaxLines} lines (it has {contents.Count}).");
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i].Length > LineMax)
                problems.Add($"Contents line {i + 1} can be at most {LineMax} characters (it has {contents[i].Length}).");
            else if (contents[i].Any(char.IsControl))
                problems.Add($"Contents line {i + 1} has a character that cannot be shown.");
        }

        return problems.Count > 0 ? (null, problems) : (new CycleContentText(t, d, contents), []);
    }
}
