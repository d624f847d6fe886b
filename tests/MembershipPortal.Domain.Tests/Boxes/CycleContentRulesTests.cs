using MembershipPortal.Domain.Boxes;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class CycleContentRulesTests
{
    [Fact]
    public void Check_TrimsAndDropsBlankLines_KeepsTheOrder()
    {
        var (content, problems) = CycleContentRules.Check("  Winter spices ", "  **Warm** teas \n", CycleContentRules.SplitLines("Chai, 50 g\r\n\r\n  Rooibos  \n \nHoney stick"));
        Assert.Empty(problems);
        Assert.Equal("Winter spices", content!.Title);
        Assert.Equal("**Warm** teas", content.DescriptionMarkdown);
        Assert.Equal(["Chai, 50 g", "Rooibos", "Honey stick"], content.Contents);
    }

    [Fact]
    public void Check_NoDescriptionNoContents_IsFine()
    {
        var (content, problems) = CycleContentRules.Check("Winter spices", "   ", null);
        Assert.Empty(problems);
        Assert.Equal((null, 0), (content!.DescriptionMarkdown, content.Contents.Count));
    }

    [Theory]
    [InlineData(null, "Enter a title")]
    [InlineData("   ", "Enter a title")]
    [InlineData("tab\there", "one line of text")]
    public void Check_BadTitle_Refused(string? title, string expected)
    {
        var (content, problems) = CycleContentRules.Check(title, null, ["Chai"]);
        Assert.Null(content);
        Assert.Contains(expected, Assert.Single(problems));
    }

    [Fact]
    public void Check_AtTheLimits_Accepted_OneOver_Refused()
    {
        var lines = Enumerable.Range(1, CycleContentRules.MaxLines).Select(i => new string('x', CycleContentRules.LineMax)).ToList();
        Assert.Empty(CycleContentRules.Check(new string('t', CycleContentRules.TitleMax), new string('d', CycleContentRules.DescriptionMax), lines).Problems);

        var (content, problems) = CycleContentRules.Check(new string('t', CycleContentRules.TitleMax + 1), new string('d', CycleContentRules.DescriptionMax + 1),
            [.. lines, "one more", new string('x', CycleContentRules.LineMax + 1)]);
        Assert.Null(content);
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("The title can be at most 120 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("The description can be at most 10,000 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("The contents list can have at most 30 lines (it has 32)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Contents line 32 can be at most 200 characters", StringComparison.Ordinal));
    }
}
