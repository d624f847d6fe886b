using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

public sealed class NoticeTemplateTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();

    public Task InitializeAsync()
    {
        _ = factory.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private NoticeTemplateService Service() => factory.Services.CreateScope().ServiceProvider.GetRequiredService<NoticeTemplateService>();

    [Fact]
    public async Task Save_UnknownPlaceholder_RefusedWithClearMessageAndNothingStored()
    {
        var result = await Service().SaveAsync(NoticeKind.PaymentFailed, "Hi {{member.nickname}}", "Your card for {{plan.name}} failed.");

        Assert.False(result.Saved);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Subject: unknown placeholder {{member.nickname}}.", error);
        Assert.Contains("{{update_payment_url}}", error);
        await using var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        Assert.False(await db.NoticeTemplates.AnyAsync());
    }

    [Theory]
    [InlineData("{{tracking_url}}", "unknown placeholder {{tracking_url}}")] // exists, but not in this notice
    [InlineData("Pay {{amount", "never closes it")]
    [InlineData("", "enter the text")]
    public async Task Save_BadBody_Refused(string body, string message)
    {
        var result = await Service().SaveAsync(NoticeKind.PaymentFailed, "Payment failed", body);
        Assert.False(result.Saved);
        Assert.Contains(result.Errors, e => e.Contains(message));
    }

    [Fact]
    public async Task Save_Valid_UsedByPreviewAndListedAsEdited_ResetRestoresBuiltIn()
    {
        var service = Service();
        var result = await service.SaveAsync(NoticeKind.PaymentFailed, "Oops, {{plan.name}} <b>failed</b>", "Hi {{member.first_name}},\n\nWe could not charge {{amount}}.\nTry {{update_payment_url}}");
        Assert.True(result.Saved, string.Join(" ", result.Errors));

        var view = (await service.ListAsync()).Single(t => t.Notice.Kind == NoticeKind.PaymentFailed);
        Assert.True(view.IsCustomised);
        var (preview, errors) = service.Preview(NoticeKind.PaymentFailed, view.Subject, view.Body);
        Assert.Empty(errors);
        Assert.Equal("Oops, Pro + Craft Kit <b>failed</b>", preview!.Subject);
        Assert.Contains("We could not charge $31.00.\nTry https://members.example.com/account/billing", preview.Text);
        // Owner text is encoded, never markup; URL values become links.
        Assert.Contains("Hi Ada,", preview.HtmlFragment);
        Assert.Contains("<br>Try <a href=\"https://members.example.com/account/billing\"", preview.HtmlFragment);

        await service.ResetAsync(NoticeKind.PaymentFailed);
        Assert.False((await service.ListAsync()).Single(t => t.Notice.Kind == NoticeKind.PaymentFailed).IsCustomised);
    }

    [Fact]
    public async Task QueuedNotice_AfterSaveAndReset_UsesTheTemplateOfThatMoment()
    {
        var queue = factory.Services.GetRequiredService<NoticeQueue>();
        async Task<string> QueueSubjectAsync(string key)
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var row = await queue.QueueToAsync(db, NoticeKind.PaymentFailed, key, new Recipient("cache@example.test", "Ada", null),
                new Dictionary<string, string> { ["plan.name"] = "Pro", ["amount"] = "$20.00", ["update_payment_url"] = "https://x.test/b" }, factory.Clock.GetUtcNow());
            return row!.Subject;
        }

        var builtIn = await QueueSubjectAsync("cache-1");
        Assert.True((await Service().SaveAsync(NoticeKind.PaymentFailed, "Edited {{plan.name}}", "Body {{update_payment_url}}")).Saved);
        var edited = await QueueSubjectAsync("cache-2");
        await Service().ResetAsync(NoticeKind.PaymentFailed);
        var reset = await QueueSubjectAsync("cache-3");

        Assert.Equal("Edited Pro", edited);
        Assert.Equal(builtIn, reset);
        Assert.NotEqual(builtIn, edited);
    }

    [Fact]
    public void Preview_ScriptInTemplate_RendersInert()
    {
        var (preview, errors) = Service().Preview(NoticeKind.Welcome, "<script>alert(1)</script>", "<img src=x onerror=alert(1)> {{plan.name}}");
        Assert.Empty(errors);
        Assert.DoesNotContain("<script>", preview!.HtmlFragment);
        Assert.DoesNotContain("<img", preview.HtmlFragment);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", preview.HtmlFragment);
    }

    [Fact]
    public void Catalogue_EveryBuiltInTemplateIsValid()
    {
        foreach (var notice in NoticeCatalog.All)
        {
            Assert.Empty(NoticeTemplateService.Validate(notice, notice.DefaultSubject, notice.DefaultBody));
            Assert.All(notice.Placeholders, p => NoticeCatalog.Describe(p));
            if (notice.ActionUrlPlaceholder is { } url)
                Assert.Contains(url, notice.Placeholders);
        }
        Assert.Equal(Enum.GetValues<NoticeKind>().Length, NoticeCatalog.All.Select(n => n.Key).Distinct().Count());
    }
}
