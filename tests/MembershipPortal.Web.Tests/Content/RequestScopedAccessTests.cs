using System.Security.Claims;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Accounts;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Content;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Content;

/// <summary>
/// What the gated pages share to stay fast, and where they must not: one HTTP request reads the member's access once;
/// a circuit (no plain request) reads it on every call, so a payment that fails mid-session locks the next click.
/// </summary>
public sealed class RequestScopedAccessTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        catalog = await TestCatalog.CreateAsync(factory);
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private static ClaimsPrincipal Principal(string memberId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, memberId)], "test"));

    private async Task FailPaymentAsync(string memberId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == memberId);
        sub.RecordPaymentFailed(factory.Clock.GetUtcNow().AddDays(-10));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task OnePlainRequest_ReadsAccessOnce()
    {
        var member = await factory.CreateUserAsync("memo-request@example.test", "a long member passphrase");
        await TestContent.SubscribeAsync(factory, member.Id, catalog.ProMonthly);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext();
        var access = scope.ServiceProvider.GetRequiredService<AccessService>();

        var first = await access.ForAsync(Principal(member.Id));
        await FailPaymentAsync(member.Id);
        var second = await access.ForAsync(Principal(member.Id));

        Assert.False(first.HasPastDue);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task CircuitCalls_WithoutAPlainRequest_SeeEachChange()
    {
        var member = await factory.CreateUserAsync("memo-circuit@example.test", "a long member passphrase");
        await TestContent.SubscribeAsync(factory, member.Id, catalog.ProMonthly);
        await using var scope = factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext();
        http.Request.Path = "/_blazor";
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = http;
        var access = scope.ServiceProvider.GetRequiredService<AccessService>();

        var before = await access.ForAsync(Principal(member.Id));
        await FailPaymentAsync(member.Id);
        var after = await access.ForAsync(Principal(member.Id));

        Assert.False(before.HasPastDue);
        Assert.True(after.HasPastDue);
    }

    [Fact]
    public async Task AnotherMemberInTheSameRequest_GetsTheirOwnAccess()
    {
        var pro = await factory.CreateUserAsync("memo-pro@example.test", "a long member passphrase");
        var free = await factory.CreateUserAsync("memo-free@example.test", "a long member passphrase");
        await TestContent.SubscribeAsync(factory, pro.Id, catalog.ProMonthly);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext();
        var access = scope.ServiceProvider.GetRequiredService<AccessService>();

        var proAccess = await access.ForAsync(Principal(pro.Id));
        var freeAccess = await access.ForAsync(Principal(free.Id));

        Assert.Single(proAccess.Context.Subscriptions);
        Assert.Equal(free.Id, freeAccess.MemberId);
        Assert.Empty(freeAccess.Context.Subscriptions);
    }

    [Fact]
    public async Task DarkModePreference_ToggledHere_IsSeenAtOnce()
    {
        var member = await factory.CreateUserAsync("memo-dark@example.test", "a long member passphrase");
        await using var scope = factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();

        Assert.Null(await accounts.GetDarkModeAsync(member.Id));
        await accounts.SetDarkModeAsync(member.Id, true);
        Assert.True(await accounts.GetDarkModeAsync(member.Id));
        await accounts.SetDarkModeAsync(member.Id, false);
        Assert.False(await accounts.GetDarkModeAsync(member.Id));
    }

    [Fact]
    public void Markdown_RenderedTwiceOrEdited_SameSafeHtmlAndEditsShow()
    {
        var renderer = factory.Services.GetRequiredService<MarkdownRenderer>();
        const string text = "## Lesson\n\n<script>alert(1)</script> [link](javascript:alert(2)) **bold**";

        var first = renderer.Render(text).Value;
        var again = renderer.Render(text).Value;
        var edited = renderer.Render(text + " more").Value;

        Assert.Equal(first, again);
        Assert.DoesNotContain("<script", first, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h3>Lesson</h3>", first);
        Assert.Contains("more", edited);
        Assert.DoesNotContain("more", first);
    }
}
