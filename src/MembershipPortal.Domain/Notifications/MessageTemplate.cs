using System.Text;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Notifications;

/// <summary>
/// A notice's subject or body with <c>{{placeholder}}</c> fields (letters, digits, '_' and '.', case-insensitive,
/// spaces inside the braces allowed). Parsing never throws: problems come back as messages, so the Owner's editor can
/// show them all at once.
/// </summary>
public sealed class MessageTemplate
{
    private const int MaxNameLength = 64;
    private readonly IReadOnlyList<Segment> segments;

    private MessageTemplate(IReadOnlyList<Segment> segments, IReadOnlyList<string> errors)
    {
        this.segments = segments;
        Errors = errors;
    }

    /// <summary>Syntax problems (an unclosed <c>{{</c>, an empty or malformed name); empty when the text parsed.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The placeholder names used, lower-case, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders => segments.Where(s => s.IsPlaceholder).Select(s => s.Text).Distinct().ToList();

    public static MessageTemplate Parse(string? text)
    {
        text ??= "";
        var segments = new List<Segment>();
        var errors = new List<string>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }
            literal.Append(text, i, open - i);
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var nextOpen = text.IndexOf("{{", open + 2, StringComparison.Ordinal);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
            {
                errors.Add($"\"{Excerpt(text, open)}\" opens a placeholder with {{{{ but never closes it with }}}}.");
                literal.Append("{{");
                i = open + 2;
                continue;
            }
            var name = text[(open + 2)..close].Trim();
            if (name.Length == 0)
                errors.Add("An empty placeholder {{}} was found; put a name between the braces, like {{member.first_name}}.");
            else if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
                errors.Add($"{{{{{name}}}}} is not a valid placeholder name; use letters, digits, '_' and '.' only.");
            else
            {
                if (literal.Length > 0)
                    segments.Add(new Segment(literal.ToString(), false));
                literal.Clear();
                segments.Add(new Segment(name.ToLowerInvariant(), true));
            }
            i = close + 2;
        }
        if (literal.Length > 0)
            segments.Add(new Segment(literal.ToString(), false));
        return new MessageTemplate(segments, errors);
    }

    /// <summary>Syntax errors plus every placeholder not in <paramref name="allowed"/>, each naming the field it is in.</summary>
    public static IReadOnlyList<string> Validate(string? text, IReadOnlyCollection<string> allowed, string field)
    {
        var template = Parse(text);
        var errors = template.Errors.Select(e => $"{field}: {e}").ToList();
        var known = new HashSet<string>(allowed, StringComparer.OrdinalIgnoreCase);
        foreach (var unknown in template.Placeholders.Where(p => !known.Contains(p)))
            errors.Add($"{field}: unknown placeholder {{{{{unknown}}}}}. Available here: {string.Join(", ", allowed.Select(a => "{{" + a + "}}"))}.");
        return errors;
    }

    /// <summary>Replaces each placeholder with <paramref name="value"/>(name); literal text passes through <paramref name="literal"/> (e.g. HTML encoding).</summary>
    public string Render(Func<string, string> value, Func<string, string>? literal = null)
    {
        if (Errors.Count > 0)
            throw new DomainException("A template with errors cannot be rendered: " + Errors[0]);
        var sb = new StringBuilder();
        foreach (var s in segments)
            sb.Append(s.IsPlaceholder ? value(s.Text) : literal is null ? s.Text : literal(s.Text));
        return sb.ToString();
    }

    private static string Excerpt(string text, int at)
    {
        var end = Math.Min(text.Length, at + 24);
        var lineEnd = text.IndexOfAny(['\r', '\n'], at);
        if (lineEnd >= 0 && lineEnd < end)
            end = lineEnd;
        return text[at..end];
    }

    private sealed record Segment(string Text, bool IsPlaceholder);
}
