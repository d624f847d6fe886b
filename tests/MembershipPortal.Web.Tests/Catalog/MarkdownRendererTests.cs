using System.Runtime.CompilerServices;
using AngleSharp.Html.Parser;
using MembershipPortal.Web.Features.Catalog;

namespace MembershipPortal.Web.Tests.Catalog;

public sealed class MarkdownRendererTests
{
    private static readonly MarkdownRenderer Renderer = new();

    public static TheoryData<string> XssPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(PayloadFile()).Where(l => l.Length > 0).Distinct())
        {
            data.Add(line);
            // The same payload where Markdown puts text into attributes: a link target, an image, a heading.
            data.Add($"[click]({line}) ![pic]({line}) <{line}>\n\n# {line}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(XssPayloads))]
    public void Render_XssPayload_IsInert(string markdown) => AssertInert(Renderer.Render(markdown).Value);

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](java&#09;script:alert(1))")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("[x](https://example.test \"title\" onmouseover=alert(1))")]
    public void Render_ScriptUrlsAndRawHtml_AreInert(string markdown) => AssertInert(Renderer.Render(markdown).Value);

    [Fact]
    public void Render_OrdinaryMarkdown_KeepsFormattingAndDemotesHeadings()
    {
        var html = Renderer.Render("# Title\n\nSome **bold** and *italic* text with [a link](https://example.test/x).\n\n- one\n- two\n\n> quoted").Value;

        Assert.Contains("<h2", html);
        Assert.DoesNotContain("<h1", html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Contains("<em>italic</em>", html);
        Assert.Contains("href=\"https://example.test/x\"", html);
        Assert.Contains("rel=\"nofollow noopener noreferrer\"", html);
        Assert.Contains("<li>two</li>", html);
        Assert.Contains("<blockquote>", html);
    }

    [Fact]
    public void Render_RawHtml_IsShownAsText()
    {
        var html = Renderer.Render("<script>alert('x')</script>").Value;
        Assert.Contains("&lt;script&gt;", html);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Render_Nothing_IsEmpty(string? markdown) => Assert.Equal("", Renderer.Render(markdown).Value);

    /// <summary>No script element, no event-handler attribute, no script-capable URL in any attribute.</summary>
    internal static void AssertInert(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var document = new HtmlParser().ParseDocument($"<body>{html}</body>");
        Assert.Empty(document.QuerySelectorAll("script, iframe, object, embed, svg, math, style, form, input, textarea, video, audio, source, base, meta, link"));
        foreach (var element in document.Body!.QuerySelectorAll("*"))
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"<{element.LocalName} {attribute.Name}=...> in {html}");
                Assert.NotEqual("style", attribute.Name);
                var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
                foreach (var scheme in new[] { "javascript:", "vbscript:", "data:" })
                    Assert.False(value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase), $"{attribute.Name}=\"{attribute.Value}\" in {html}");
            }
    }

    // Kept beside this file (TestData/README.md says where it comes from), so a fresh clone has it.
    private static string PayloadFile([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "TestData", "xss-payloads.txt");
}
