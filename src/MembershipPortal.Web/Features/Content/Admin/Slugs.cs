using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>URL names: lower-case letters, digits and single dashes between them.</summary>
public static partial class Slugs
{
    public const int MaxLength = 120;

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? slug) => slug is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(slug);

    /// <summary>A slug suggested from a title: accents dropped, anything else between words becomes one dash.</summary>
    public static string From(string? title)
    {
        var text = (title ?? "").Normalize(NormalizationForm.FormD);
        var slug = new StringBuilder(text.Length);
        var dash = false;
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (dash && slug.Length > 0)
                    slug.Append('-');
                slug.Append(lower);
                dash = false;
            }
            else
            {
                dash = true;
            }
            if (slug.Length >= MaxLength)
                break;
        }
        return slug.ToString(0, Math.Min(slug.Length, MaxLength)).TrimEnd('-');
    }
}
