using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

/// <summary>Notices that fall due with time, queued by <see cref="NoticeRun"/> (the hourly job's unit) with a moved clock.</summary>
public sealed class NoticeRunTests(MailDevServer maildev) : IClassFixture<MailDevServer>
{
    [Fact]
    public async Task Yearly_RemindersThirtyAndSevenDaysBefore_EachOnceEvenWhenRunHourly()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        var (_, email, subId) = await app.BuyAsync(app.Catalog.ProYearly, NotificationsApp.Good);
        var renewal = app.Now.AddYears(1);
        var run = app.Get<NoticeRun>();

        app.Factory.Clock.SetUtcNow(renewal.AddDays(-31));
        await run.RunOnceAsync(app.Now);
        Assert.DoesNotContain(await app.OutboxForAsync(email), o => o.Kind == "renewal-reminder");
        for (var hour = 0; hour < 48; hour++)
        {
            app.Factory.Clock.Advance(TimeSpan.FromHours(1));
            await run.RunOnceAsync(app.Now);
        }
        app.Factory.Clock.SetUtcNow(renewal.AddDays(-7));
        await run.RunOnceAsync(app.Now);
        await run.RunOnceAsync(app.Now);

        var reminders = (await app.OutboxForAsync(email)).Where(o => o.Kind == "renewal-reminder").ToList();
        Assert.Equal(2, reminders.Count);
        Assert.All(reminders, r => Assert.Equal(subId, r.SubscriptionId));
        Assert.All(reminders, r => Assert.Equal($"Your Pro subscription renews on {NoticeQueue.DateText(renewal)}", r.Subject));
        Assert.Contains("$190.00", reminders[0].TextBody);
    }

    [Fact]
    public async Task Monthly_OwnerSetsTenAndThreeDays_RemindsOnThoseDays()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        Assert.Null(await app.Get<NoticeSettings>().SaveAsync("10, 3", "30, 7", 0));
        var (_, email, _) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.Good);
        var renewal = app.Now.AddMonths(1);
        var run = app.Get<NoticeRun>();

        foreach (var daysBefore in new[] { 11, 10, 7, 3, 1 })
        {
            app.Factory.Clock.SetUtcNow(renewal.AddDays(-daysBefore));
            await run.RunOnceAsync(app.Now);
        }

        var keys = (await app.OutboxForAsync(email)).Where(o => o.Kind == "renewal-reminder").Select(o => o.DedupKey.Split(':')[^1]).ToList();
        Assert.Equal(["10", "3"], keys);
    }

    [Fact]
    public async Task Trial_ThreeDaysBeforeEnd_TrialEndingOnce()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        Guid trialPrice;
        await using (var db = app.Db())
        {
            var product = await db.Products.SingleAsync(p => p.Name == "VIP");
            var price = CatalogPrice.Create(product.Id, PriceTerms.Monthly(new Money(3900, "USD"), trialDays: 14));
            db.Prices.Add(price);
            await db.SaveChangesAsync();
            trialPrice = price.Id;
        }
        var (_, email, _) = await app.BuyAsync(trialPrice, NotificationsApp.Good);
        var run = app.Get<NoticeRun>();

        app.Factory.Clock.Advance(TimeSpan.FromDays(10));
        await run.RunOnceAsync(app.Now);
        Assert.DoesNotContain(await app.OutboxForAsync(email), o => o.Kind == "trial-ending");
        app.Factory.Clock.Advance(TimeSpan.FromDays(1));
        await run.RunOnceAsync(app.Now);
        await run.RunOnceAsync(app.Now);

        var notice = Assert.Single(await app.OutboxForAsync(email), o => o.Kind == "trial-ending");
        Assert.Contains("Your free trial ends on", notice.Subject);
    }

    [Fact]
    public async Task CardExpiringBeforeRenewal_WarnedOnceWithin30Days()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        var (member, email, _) = await app.BuyAsync(app.Catalog.ProYearly, NotificationsApp.Good);
        var expiry = app.Now.AddMonths(3);
        await using (var db = app.Db())
            await db.BillingProfiles.Where(p => p.MemberId == member)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CardExpMonth, expiry.Month).SetProperty(p => p.CardExpYear, expiry.Year));
        var run = app.Get<NoticeRun>();

        app.Factory.Clock.SetUtcNow(new DateTimeOffset(expiry.Year, expiry.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).AddDays(-40));
        await run.RunOnceAsync(app.Now);
        Assert.DoesNotContain(await app.OutboxForAsync(email), o => o.Kind == "card-expiring");
        app.Factory.Clock.Advance(TimeSpan.FromDays(12));
        await run.RunOnceAsync(app.Now);
        app.Factory.Clock.Advance(TimeSpan.FromDays(5));
        await run.RunOnceAsync(app.Now);

        var notice = Assert.Single(await app.OutboxForAsync(email), o => o.Kind == "card-expiring");
        Assert.Contains($"{expiry.Month:00}/{expiry.Year}", notice.TextBody);
    }

    [Fact]
    public async Task WinBack_OffByDefault_WhenOnSendsWithOneClickUnsubscribe_AndUnsubscribeStopsIt()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort, ("Portal:PublicUrl", "https://members.example.test")).StartAsync();
        var (member, email, subId) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.Good);
        using (var scope = app.Factory.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new CancelSubscription(member, subId, "Too expensive", null))).Succeeded);
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31)); // the period ends: canceled
        var run = app.Get<NoticeRun>();

        app.Factory.Clock.Advance(TimeSpan.FromDays(14));
        await run.RunOnceAsync(app.Now);
        Assert.DoesNotContain(await app.OutboxForAsync(email), o => o.Kind == "win-back");

        Assert.Null(await app.Get<NoticeSettings>().SaveAsync("7", "30, 7", 14));
        await run.RunOnceAsync(app.Now);
        await app.Get<OutboxDispatcher>().DispatchDueAsync();

        var cancel = Assert.Single(await app.OutboxForAsync(email), o => o.Kind == "cancellation-confirmed");
        Assert.Contains("You keep access until", cancel.TextBody);
        var winBack = await maildev.SourceAsync((await maildev.EmailsToAsync(email)).Single(e => e.Subject() == "We miss you at MembershipPortal"));
        var listUnsubscribe = winBack.Headers["List-Unsubscribe"] ?? "";
        Assert.StartsWith("<https://members.example.test/email/unsubscribe?t=", listUnsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", winBack.Headers["List-Unsubscribe-Post"]);
        Assert.Contains(">Unsubscribe</a>", winBack.HtmlBody);
        var transactional = await maildev.SourceAsync((await maildev.EmailsToAsync(email)).First(e => e.Subject().StartsWith("Your receipt")));
        Assert.Null(transactional.Headers["List-Unsubscribe"]);

        // One-click unsubscribe, as a mail client posts it (RFC 8058): no cookie, no antiforgery token.
        var url = new Uri(listUnsubscribe.Trim('<', '>'));
        var client = app.Factory.CreateBrowserlessClient();
        var response = await client.PostAsync(url.PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await client.PostAsync("/email/unsubscribe?t=forged", null)).StatusCode);

        // A second churn of the same member is not mailed any more; transactional notices still are.
        var second = await RejoinAndChurnAsync(app, member, email);
        await run.RunOnceAsync(app.Now);
        Assert.DoesNotContain(await app.OutboxForAsync(email), o => o.Kind == "win-back" && o.SubscriptionId == second);
        Assert.Contains(await app.OutboxForAsync(email), o => o.Kind == "cancellation-confirmed" && o.SubscriptionId == second);
        await using var db = app.Db();
        Assert.True(await db.EmailOptOuts.AnyAsync(o => o.MemberId == member));
    }

    private static async Task<Guid> RejoinAndChurnAsync(NotificationsApp app, string member, string email)
    {
        using var scope = app.Factory.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>()
            .CheckoutAsync(member, email, new CheckoutChoice { PriceId = app.Catalog.ProMonthly }, NotificationsApp.Good);
        Assert.True(outcome.Succeeded, outcome.Error);
        var id = outcome.SubscriptionId!.Value;
        Assert.True((await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new CancelSubscription(member, id, "Other", null))).Succeeded);
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31));
        app.Factory.Clock.Advance(TimeSpan.FromDays(14));
        return id;
    }
}
