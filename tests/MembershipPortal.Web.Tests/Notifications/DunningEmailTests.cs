using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

/// <summary>Dunning end to end on the test gateway, delivered by real SMTP to maildev.</summary>
public sealed class DunningEmailTests(MailDevServer maildev) : IClassFixture<MailDevServer>
{
    [Fact]
    public async Task FailedRenewal_MovedClock_SendsFailedReminderFinalSuspendedInOrderOnceThenRecoveredOnce()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        var (member, email, subId) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.FailsOnRenewal);
        await app.Get<OutboxDispatcher>().DispatchDueAsync();

        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31)); // renewal fails
        var suspensionDay = NoticeQueue.DateText(app.Now.AddDays(7));
        for (var day = 1; day <= 9; day++)
            await app.AdvanceAndRunAsync(TimeSpan.FromDays(1));

        await using (var db = app.Db())
        {
            var sub = await db.Subscriptions.SingleAsync(s => s.Id == subId);
            Assert.Equal(SubscriptionStatus.Unpaid, sub.Status);
            Assert.False(EntitlementPolicy.ForSubscription(SubscriptionAccess.From(sub), 7, app.Now).Allowed);
        }
        var subjects = (await maildev.EmailsToAsync(email)).Select(e => e.Subject()).ToList();
        // Welcome and receipt come from the same checkout, in either order.
        Assert.Equal(["Welcome to MembershipPortal", "Your receipt from MembershipPortal"], subjects.Take(2).Order());
        Assert.Equal(
        [
            "Your payment for Basic failed",
            "Reminder: please update your card for Basic",
            $"Final notice: access to Basic ends on {suspensionDay}",
            "Your access to Basic has been suspended",
        ], subjects.Skip(2));

        using (var scope = app.Factory.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new UpdateCard(member, email, NotificationsApp.Good));
            Assert.True(result.Succeeded, result.Message);
        }
        await app.AdvanceAndRunAsync(TimeSpan.FromMinutes(1));
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(1));

        var all = await maildev.EmailsToAsync(email);
        var after = all.Skip(subjects.Count).Select(e => e.Subject()).ToList();
        // Both come from the same card update, in either order.
        Assert.Equal(["Payment received: Basic is active", "Your receipt from MembershipPortal"], after.Order());
        Assert.Equal(all.Count, all.Select(e => e.MessageId()).Distinct().Count());
        await using (var db = app.Db())
        {
            var sub = await db.Subscriptions.SingleAsync(s => s.Id == subId);
            Assert.Equal(SubscriptionStatus.Active, sub.Status);
            Assert.True(EntitlementPolicy.ForSubscription(SubscriptionAccess.From(sub), 7, app.Now).Allowed);
        }
        Assert.All(await app.OutboxForAsync(email), o => Assert.Equal(OutboxStatus.Sent, o.Status));
    }

    [Fact]
    public async Task PaymentFailed_Email_HasThemedHtmlTextAndUpdateCardLink()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort, ("Portal:PublicUrl", "https://members.example.test")).StartAsync();
        var (_, email, _) = await app.BuyAsync(app.Catalog.ProMonthly, NotificationsApp.FailsOnRenewal);
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31));

        var failed = (await maildev.EmailsToAsync(email)).Single(e => e.Subject().Contains("failed"));
        var html = failed.GetProperty("html").GetString()!;
        var text = failed.GetProperty("text").GetString()!;
        Assert.Contains("Hi Ada,", text);
        Assert.Contains("$19.00", text);
        Assert.Contains("Update my card: https://members.example.test/account/billing", text);
        Assert.Contains("href=\"https://members.example.test/account/billing\"", html);
        Assert.Contains("background:#", html); // the theme's primary colour
        Assert.Matches("^<[0-9a-f]{32}@example.test>$", failed.MessageId());
    }

    [Fact]
    public async Task RunsRepeatedly_SameDay_QueueEachNoticeOnce()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort).StartAsync();
        var (_, email, _) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.FailsOnRenewal);
        app.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var run = app.Get<RenewalRun>();
        for (var i = 0; i < 5; i++)
        {
            await run.RunOnceAsync(app.Now);
            app.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var kinds = (await app.OutboxForAsync(email)).Select(o => o.Kind).ToList();
        Assert.Equal(["receipt", "welcome", "payment-failed"], kinds.OrderBy(k => k == "payment-failed").ThenBy(k => k).ToList());
    }
}
