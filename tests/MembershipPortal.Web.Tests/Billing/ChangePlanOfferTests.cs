using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Tests.Members;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>/account/billing offers "Change plan" only when there is another plan to change to.</summary>
public sealed class ChangePlanOfferTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
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
}
