using MembershipPortal.Domain.Billing;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Dunning;
using MembershipPortal.Web.Features.Shared.UseCases;
using MembershipPortal.Web.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Dunning;

public sealed class DunningServiceTests
{
    private static DunningService Service(NotificationsApp app) =>
        app.Factory.Services.CreateScope().ServiceProvider.GetRequiredService<DunningService>();

    [Fact]
    public async Task Overview_PastDue_ListsAmountAttemptsNextStep_ThenRecoveredMrrThisMonth()
    {
        // SMTP is never reached here: port 1 refuses, and the notices simply stay queued.
        await using var app = await new NotificationsApp(1).StartAsync();
        var (member, email, subId) = await app.BuyAsync(app.Catalog.ProMonthly, NotificationsApp.FailsOnRenewal);
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31));
        await app.AdvanceAndRunAsync(TimeSpan.FromDays(1)); // retry 1 fails

        var overview = await Service(app).OverviewAsync();
        var row = Assert.Single(overview.AtRisk);
        Assert.Equal(subId, row.SubscriptionId);
        Assert.Equal(email, row.MemberEmail);
        Assert.Equal("Pro", row.Plan);
        Assert.Equal("$19.00", row.Amount.Display());
        Assert.Equal(2, row.Attempts);
        Assert.StartsWith("Retry 2 of 4 on ", row.NextStep);
        Assert.StartsWith("Payment reminder (queued", row.LastNotice);
        Assert.Equal("$19.00", Assert.Single(overview.MrrAtRisk).Display());
        Assert.Empty(overview.RecoveredThisMonth);

        using (var scope = app.Factory.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new UpdateCard(member, email, NotificationsApp.Good))).Succeeded);

        var after = await Service(app).OverviewAsync();
        Assert.Empty(after.AtRisk);
        Assert.Equal("$19.00", Assert.Single(after.RecoveredThisMonth).Display());
        Assert.Equal(1, after.RecoveredCount);
    }

    [Theory]
    [InlineData("3, 1", 7, "increasing")]
    [InlineData("1, 9", 7, "within the grace period")]
    [InlineData("1, two", 7, "not a whole number")]
    public async Task SavePolicy_Invalid_ClearMessageAndPolicyUnchanged(string retries, int grace, string message)
    {
        await using var app = await new NotificationsApp(1).StartAsync();
        var error = await Service(app).SavePolicyAsync(retries, grace, GraceExpiryAction.MarkUnpaid);
        Assert.Contains(message, error);
        Assert.Equal([1, 3, 5, 7], (await Service(app).GetPolicyAsync()).RetryDays);
    }

    [Fact]
    public async Task SavePolicy_RetryDay2GraceFourCancel_RenewalRunFollowsIt()
    {
        await using var app = await new NotificationsApp(1).StartAsync();
        Assert.Null(await Service(app).SavePolicyAsync("2", 4, GraceExpiryAction.Cancel));
        var (_, email, subId) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.FailsOnRenewal);

        await app.AdvanceAndRunAsync(TimeSpan.FromDays(31));
        for (var day = 1; day <= 4; day++)
            await app.AdvanceAndRunAsync(TimeSpan.FromDays(1));

        await using var db = app.Db();
        var sub = await db.Subscriptions.SingleAsync(s => s.Id == subId);
        Assert.Equal(SubscriptionStatus.Canceled, sub.Status);
        Assert.Equal(2, sub.History.Count(h => h.Kind is SubscriptionChangeKind.StatusChanged or SubscriptionChangeKind.PaymentFailed && h.Detail.StartsWith("Payment attempt")));
        var kinds = (await app.OutboxForAsync(email)).Select(o => o.Kind).Where(k => k is not ("welcome" or "receipt")).ToList();
        // grace 4: the final notice is due on day 2, with the retry; no separate reminder fits before it
        Assert.Equal(["payment-failed", "final-notice", "access-suspended"], kinds);
    }
}
