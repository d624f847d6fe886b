using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Microsoft.AspNetCore.Components;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>
/// Owner-written Markdown to HTML that is safe to insert: Markdig with raw HTML disabled (it is shown as text), then
/// HtmlSanitizer with a short allow-list (no scripts, no event attributes, no style, only http/https/mailto links).
/// Headings move down one level so a description never competes with the page's own h1.
/// </summary>
public sealed class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    private static readonly string[] AllowedTags =
    [
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "sub", "sup", "mark", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    ];

    /// <summary>Total characters of Markdown kept as keys of the cache before it starts afresh (about 16 MB with the HTML).</summary>
    public const long CacheCharacters = 4_000_000;

    // The output depends only on the text, and gated pages render the same lesson bodies on every request: parsing and
    // sanitising cost more than the rest of a lesson page's own work. Keyed by the text itself, so an edit is a new key.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> cache = new(StringComparer.Ordinal);
    private long cachedCharacters;

    public MarkupString Render(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
            return new MarkupString("");
        if (cache.TryGetValue(markdown, out var cached))
            return new MarkupString(cached);
        var html = RenderUncached(markdown);
        if (Interlocked.Add(ref cachedCharacters, markdown.Length) > CacheCharacters)
        {
            cache.Clear();
            Interlocked.Exchange(ref cachedCharacters, markdown.Length);
        }
        cache.TryAdd(markdown, html);
        return new MarkupString(html);
    }

    private static string RenderUncached(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
            heading.Level = Math.Min(6, heading.Level + 1);
        return CreateSanitizer().Sanitize(document.ToHtml(Pipeline));
    }

    // A new sanitizer per call: its Sanitize is documented thread-safe only while nobody touches its settings or events,
    // and building one is cheap next to parsing.
    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href", "src", "alt", "title"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
                link.SetAttribute("rel", "nofollow noopener noreferrer");
        };
        return sanitizer;
    }
}
