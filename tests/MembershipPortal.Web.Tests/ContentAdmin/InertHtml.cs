using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace MembershipPortal.Web.Tests.ContentAdmin;

/// <summary>
/// Finds executable markup in a page the way a browser would see it: parses the HTML and looks for scripts the portal
/// did not write, event-handler attributes, script URLs and frames. Encoded text (Razor's default) is not markup,
/// so a payload shown as text passes; a payload that became elements or attributes does not.
/// </summary>
internal static partial class InertHtml
{
    /// <summary>The portal's own scripts: the Blazor and MudBlazor bundles and its components' JavaScript modules.</summary>
    private static readonly string[] OwnScriptPrefixes = ["_framework/", "_content/MudBlazor/", "Components/"];

    private static readonly string[] UrlAttributes =
        ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "lowsrc", "dynsrc", "srcset", "ping", "cite", "longdesc", "manifest", "codebase"];

    private static readonly string[] ScriptSchemes = ["javascript:", "vbscript:", "livescript:", "data:text/html", "data:application/xhtml", "data:image/svg"];

    private static readonly string[] ActiveTags = ["iframe", "frame", "frameset", "object", "embed", "applet", "portal"];

    public static IReadOnlyList<string> Problems(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var problems = new List<string>();
        foreach (var element in document.All)
        {
            var tag = element.LocalName;
            if (tag == "script" && !IsOwnScript(element))
                problems.Add($"script not written by the portal: {Snippet(element)}");
            if (ActiveTags.Contains(tag))
                problems.Add($"<{tag}> element: {Snippet(element)}");
            if (tag == "base" && element.GetAttribute("href") != "/")
                problems.Add($"<base> pointing elsewhere: {Snippet(element)}");
            if (tag == "meta" && element.HasAttribute("http-equiv"))
                problems.Add($"<meta http-equiv>: {Snippet(element)}");
            foreach (var attribute in element.Attributes)
            {
                var name = attribute.Name.ToLowerInvariant();
                if (name.StartsWith("on", StringComparison.Ordinal))
                    problems.Add($"event handler {name}= on <{tag}>: {Snippet(element)}");
                if (name is "srcdoc")
                    problems.Add($"srcdoc on <{tag}>: {Snippet(element)}");
                var value = Squash(attribute.Value);
                if (UrlAttributes.Contains(name) && ScriptSchemes.Any(s => value.StartsWith(s, StringComparison.Ordinal)))
                    problems.Add($"script URL in {name}= on <{tag}>: {Snippet(element)}");
                if (name == "style" && (value.Contains("expression(") || value.Contains("javascript:") || value.Contains("behavior:")))
                    problems.Add($"scripted style on <{tag}>: {Snippet(element)}");
            }
        }
        return problems;
    }

    /// <summary>The text a reader sees in the element with the given data-testid (null when absent).</summary>
    public static string? TextOf(string html, string testId) =>
        new HtmlParser().ParseDocument(html).QuerySelector($"[data-testid='{testId}']")?.TextContent;

    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private static bool IsOwnScript(IElement script) =>
        script.GetAttribute("src") is { } src
        && (OwnScriptPrefixes.Any(p => src.StartsWith(p, StringComparison.Ordinal)) || OwnScript().IsMatch(src))
        && script.TextContent.Trim().Length == 0;

    /// <summary>The portal's own wwwroot/portal.js, fingerprinted ("portal.86bwpd2r09.js").</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^portal(\.[a-z0-9]+)?\.js$")]
    private static partial System.Text.RegularExpressions.Regex OwnScript();

    // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"), so the check does too.
    private static string Squash(string value) =>
        new string(value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();

    private static string Snippet(IElement element)
    {
        var outer = element.OuterHtml;
        return outer.Length > 200 ? outer[..200] + "…" : outer;
    }
}
