using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Content;

/// <summary>
/// Library search is a door too: a word that appears only in a locked item's body must not reveal that item, while
/// titles and teasers (public on the paywall anyway) match for everyone.
/// </summary>
public sealed class LibrarySearchTests(AccessMatrixFixture fixture) : IClassFixture<AccessMatrixFixture>
{
    private async Task<string> SearchAsync(string persona, string query, string? kind = null) =>
        await fixture.Clients[persona].GetStringAsync($"/content?q={Uri.EscapeDataString(query)}{(kind is null ? "" : "&kind=" + kind)}");

    private static bool Lists(string html, string slug) => html.Contains($"href=\"/content/{slug}\"", StringComparison.Ordinal);

    [Theory]
    [InlineData("anonymous", false, false, true)]
    [InlineData("free", false, true, true)]
    [InlineData("basic", false, true, true)]
    [InlineData("pro", true, true, true)]
    [InlineData("pastdue-after-grace", false, true, true)]
    [InlineData("owner", true, true, true)]
    public async Task BodyWord_FindsOnlyItemsThePersonaMayOpen(string persona, bool pro, bool members, bool open)
    {
        var html = await SearchAsync(persona, TestContent.Secret);
        Assert.Equal(pro, Lists(html, fixture.Content.ProArticle));
        Assert.Equal(members, Lists(html, fixture.Content.MembersArticle));
        Assert.Equal(open, Lists(html, fixture.Content.PublicArticle));
        Assert.DoesNotContain($"Body {TestContent.Secret}", html);
    }

    [Fact]
    public async Task TitleWord_FindsLockedItemWithItsLockForVisitors()
    {
        var html = await SearchAsync("anonymous", $"Title {fixture.Content.ProArticle}");
        Assert.True(Lists(html, fixture.Content.ProArticle));
        Assert.Contains("aria-label=\"Locked\"", html);
        Assert.False(Lists(html, fixture.Content.PublicArticle));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("' OR 1=1 --")]
    public async Task Wildcards_AreLiteral(string query)
    {
        var html = await SearchAsync("pro", query);
        Assert.False(Lists(html, fixture.Content.PublicArticle));
        Assert.Contains("Nothing matches your search.", html);
    }

    [Fact]
    public async Task KindFilter_NoVideos_NothingListed()
    {
        var html = await SearchAsync("pro", "", "Video");
        Assert.False(Lists(html, fixture.Content.PublicArticle));
        var articles = await SearchAsync("pro", "", "Article");
        Assert.True(Lists(articles, fixture.Content.PublicArticle));
    }
}
