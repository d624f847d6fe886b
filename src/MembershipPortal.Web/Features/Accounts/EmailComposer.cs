using System.Net;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Web.Features.Themes;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>Wraps a short notice in the active theme's colours, with a matching plain-text body.</summary>
public sealed class EmailComposer(ThemeState themes)
{
    public EmailMessage Compose(string to, string? firstName, string subject, string paragraph, (string Label, string Url)? action)
    {
        var theme = themes.Current;
        var greeting = string.IsNullOrWhiteSpace(firstName) ? "Hello," : $"Hello {firstName},";
        var e = (string s) => WebUtility.HtmlEncode(s);
        var button = action is { } a
            ? $"""<p style="margin:24px 0"><a href="{e(a.Url)}" style="background:{theme.Primary};color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">{e(a.Label)}</a></p><p style="font-size:12px;color:#666">Or paste this address into your browser:<br>{e(a.Url)}</p>"""
            : "";
        var html = $"""
            <!DOCTYPE html><html><body style="margin:0;background:#f4f4f7;font-family:Helvetica,Arial,sans-serif;color:#222">
            <div style="max-width:560px;margin:24px auto;background:#fff;border-radius:8px;overflow:hidden">
            <div style="background:{theme.Primary};color:#fff;padding:16px 24px;font-size:18px;font-weight:700">{e(theme.BusinessName)}</div>
            <div style="padding:24px"><p>{e(greeting)}</p><p>{e(paragraph)}</p>{button}</div></div></body></html>
            """;
        var text = $"{greeting}\n\n{paragraph}\n" + (action is { } t ? $"\n{t.Label}: {t.Url}\n" : "") + $"\n-- \n{theme.BusinessName}\n";
        return new EmailMessage(to, subject, html, text);
    }
}
