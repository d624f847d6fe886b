using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Notifications;
using MembershipPortal.Web.Features.Themes;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>A notice ready to send: the subject, an HTML document (and its inner card, for previews) and plain text.</summary>
public sealed record RenderedNotice(string Subject, string HtmlDocument, string HtmlFragment, string Text);

/// <summary>
/// Fills a notice's subject and body with values and wraps it in the active theme. The body is plain text: blank lines
/// separate paragraphs; every value and every character the Owner typed is HTML-encoded, so a template cannot inject
/// markup. Values of <c>*_url</c> placeholders become links; the notice's button goes under the text.
/// </summary>
public sealed partial class NoticeRenderer(ThemeState themes)
{
    public string BusinessName => themes.Current.BusinessName;

    public RenderedNotice Render(NoticeDefinition notice, string subject, string body, IReadOnlyDictionary<string, string> values, string? unsubscribeUrl = null)
    {
        var theme = themes.Current;
        var primary = theme.Primary;
        string Value(string name) => values.TryGetValue(name, out var v) ? v : "";
        string Enc(string s) => WebUtility.HtmlEncode(s);

        var renderedSubject = Whitespace().Replace(MessageTemplate.Parse(subject).Render(Value), " ").Trim();
        var paragraphs = ParagraphBreak().Split(body.Replace("\r\n", "\n").Trim()).Where(p => p.Trim().Length > 0).ToList();

        var text = new StringBuilder();
        var html = new StringBuilder();
        foreach (var paragraph in paragraphs)
        {
            var template = MessageTemplate.Parse(paragraph.Trim());
            text.Append(template.Render(Value)).Append("\n\n");
            html.Append("<p style=\"margin:0 0 16px;line-height:1.5\">")
                .Append(template.Render(
                    name => name.EndsWith("_url", StringComparison.Ordinal) && Value(name).Length > 0
                        ? $"<a href=\"{Enc(Value(name))}\" style=\"color:{primary}\">{Enc(Value(name))}</a>"
                        : Enc(Value(name)),
                    literal => Enc(literal).Replace("\n", "<br>")))
                .Append("</p>");
        }

        if (notice.ActionLabel is { } label && notice.ActionUrlPlaceholder is { } urlName && Value(urlName) is { Length: > 0 } url)
        {
            html.Append($"""<p style="margin:24px 0"><a href="{Enc(url)}" style="background:{primary};color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">{Enc(label)}</a></p>""");
            text.Append($"{label}: {url}\n\n");
        }

        var business = theme.BusinessName;
        var footer = new StringBuilder($"""<div style="padding:16px 24px;font-size:12px;color:#666;border-top:1px solid #eee">{Enc(business)}""");
        text.Append($"-- \n{business}\n");
        if (notice.IsMarketing && unsubscribeUrl is not null)
        {
            footer.Append($""" · You receive this because you were a member. <a href="{Enc(unsubscribeUrl)}" style="color:#666">Unsubscribe</a>""");
            text.Append($"Unsubscribe: {unsubscribeUrl}\n");
        }
        footer.Append("</div>");

        var fragment = $"""
            <div style="max-width:560px;margin:24px auto;background:#fff;border-radius:8px;overflow:hidden;font-family:Helvetica,Arial,sans-serif;color:#222;border:1px solid #e6e6ec">
            <div style="background:{primary};color:#fff;padding:16px 24px;font-size:18px;font-weight:700">{Enc(business)}</div>
            <div style="padding:24px">{html}</div>{footer}</div>
            """;
        var document = $"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>{Enc(renderedSubject)}</title></head>
            <body style="margin:0;padding:8px;background:#f4f4f7">{fragment}</body></html>
            """;
        return new RenderedNotice(renderedSubject, document, fragment, text.ToString());
    }

    /// <summary>The sample values the editor's preview and test emails use.</summary>
    public static IReadOnlyDictionary<string, string> SampleValues(string businessName) =>
        NoticeCatalog.AllPlaceholders.ToDictionary(p => p.Name, p => p.Name == "business.name" ? businessName : p.Sample);

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
