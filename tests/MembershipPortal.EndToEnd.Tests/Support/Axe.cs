using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Support;

/// <summary>axe-core on the page as it is now: WCAG 2.0–2.2 A and AA rules, and no critical or serious violation allowed.</summary>
public static class Axe
{
    private static readonly AxeRunOptions Options = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    };

    /// <summary>The critical and serious violations, one line each with the elements they were found on.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(Options);
        return result.Violations
            .Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}) on {page.Url}: " + string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target?.ToString() ?? n.Html)))
            .ToList();
    }

    public static async Task AssertCleanAsync(IPage page, string context)
    {
        var found = await SeriousViolationsAsync(page);
        Assert.True(found.Count == 0, $"{context}:\n" + string.Join("\n", found));
    }
}
