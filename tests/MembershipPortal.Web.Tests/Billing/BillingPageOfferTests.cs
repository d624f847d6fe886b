using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.Pages;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>
/// /account/billing offers "Change plan" only when there is another plan to change to, and says why the next charge is
/// nothing when the box it pays for is skipped; a box's checkout says which month's box comes first.
/// </summary>
public sealed class BillingPageOfferTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    [Fact]
    public async Task OnlyBoxPlan_NoChangePlan_MembershipWithOtherTiers_ChangePlan()
    {
        var box = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var pro = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();

        var boxView = Assert.Single((await billing.OverviewAsync(box.Id)).Subscriptions);
        var proView = Assert.Single((await billing.OverviewAsync(pro.Id)).Subscriptions);

        Assert.False(boxView.HasOtherPlans); // the tea box has one monthly price: nothing to change to
        Assert.Empty(await billing.PlanOptionsAsync(box.Id, boxView.Id));
        Assert.True(proView.HasOtherPlans);
        Assert.NotEmpty(await billing.PlanOptionsAsync(pro.Id, proView.Id));
    }

    [Fact]
    public async Task SkippedBox_NextChargeIsNothing_TheBillingPageSaysWhy()
    {
        var member = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var before = Assert.Single((await billing.OverviewAsync(member.Id)).Subscriptions);
        Assert.Equal(2500, before.NextAmount.Minor);
        Assert.StartsWith("Renews on", AccountBilling.RenewalText(before));
        Assert.EndsWith("for $25.00.", AccountBilling.RenewalText(before));

        // The cycle the renewal at the period end pays for: the one open when that renewal runs.
        var paidByRenewal = Boxes.BoxTimeline.Schedule.CycleFor(before.CurrentPeriodEnd);
        Assert.Null(await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(member.Id, member.SubscriptionId, paidByRenewal));
        var after = Assert.Single((await billing.OverviewAsync(member.Id)).Subscriptions);

        Assert.Equal(0, after.NextAmount.Minor);
        Assert.Contains("with nothing to pay: you skipped the box that renewal pays for", AccountBilling.RenewalText(after));
    }

    [Fact]
    public async Task BoxCheckout_SaysWhichMonthsBoxComesFirst_AMembershipsDoesNot()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
        var open = Boxes.BoxTimeline.Open(fixture.Factory);
        var month = new DateTime(open.Year, open.Month, 1).ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

        var box = (await checkout.GetPageAsync(fixture.Catalog.BoxMonthly))!;
        var pro = (await checkout.GetPageAsync(fixture.Catalog.ProMonthly))!;

        Assert.Equal($"Your first box is the {month} box, shipping around 15 {month.Split(' ')[0]}.", box.FirstBox);
        Assert.Null(pro.FirstBox);
    }

    [Fact]
    public async Task BoxProductPage_SaysWhichMonthsBoxComesFirst_AMembershipPageDoesNot()
    {
        var open = Boxes.BoxTimeline.Open(fixture.Factory);
        var month = new DateTime(open.Year, open.Month, 1).ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var visitor = fixture.Factory.CreateBrowserlessClient();

        Assert.Contains($"Your first box is the {month} box, shipping around 15 {month.Split(' ')[0]}.", await visitor.GetStringAsync("/products/tea-box"));
        Assert.DoesNotContain("Your first box", await visitor.GetStringAsync("/products/pro"));
    }

    [Fact]
    public void IncompleteSubscription_SaysItHasNotStarted_NotThatItRenews()
    {
        var view = new SubscriptionView(Guid.NewGuid(), Domain.Billing.SubscriptionStatus.Incomplete, [], new DateTimeOffset(2026, 12, 23, 12, 0, 0, TimeSpan.Zero),
            null, false, null, new Domain.Common.Money(1900, "USD"), false, null, []);

        var text = AccountBilling.RenewalText(view);

        Assert.DoesNotContain("Renews", text);
        Assert.Equal("Not started yet: the first payment of $19.00 has not gone through. Update your card to start it.", text);
    }
}
