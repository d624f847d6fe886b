using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>The cancel dialog's discount offer on the test gateway: the portal's own renewals take it off, for N of them.</summary>
public sealed class SaveOfferTests : IAsyncLifetime
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

    private AppDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<(string MemberId, Guid SubscriptionId)> BuyProAsync()
    {
        var user = await factory.CreateUserAsync($"m{Guid.NewGuid():N}@example.test", "a long member passphrase");
        using var scope = factory.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, "m@example.test",
            new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        return (user.Id, outcome.SubscriptionId!.Value);
    }

    private async Task<List<long>> RenewalTotalsAsync(Guid subscriptionId)
    {
        await using var db = Db();
        return await db.Invoices.Where(i => i.SubscriptionId == subscriptionId).OrderBy(i => i.CreatedAt).Select(i => i.TotalMinor).ToListAsync();
    }

    [Fact]
    public async Task AcceptSaveDiscount_TestGateway_NextTwoRenewalsDiscountedThenFullPrice()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.PauseAndDiscount, 25, 2);
        var (member, subId) = await BuyProAsync();
        using var scope = factory.Services.CreateScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();

        var overview = await billing.OverviewAsync(member);
        Assert.Equal((SaveOffer.PauseAndDiscount, 25, 2), (overview.SaveOffer, overview.SaveOfferPercent, overview.SaveOfferMonths));
        var accepted = await runner.RunAsync(new AcceptSaveDiscount(member, subId));
        Assert.True(accepted.Succeeded, accepted.Message);
        Assert.Equal(1425, Assert.Single((await billing.OverviewAsync(member)).Subscriptions).NextAmount.Minor);

        var run = factory.Services.GetRequiredService<RenewalRun>();
        for (var month = 0; month < 3; month++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(31));
            await run.RunOnceAsync(factory.Clock.GetUtcNow());
        }

        // Checkout at $19.00, two renewals at 25% off, then the full price again.
        Assert.Equal([1900, 1425, 1425, 1900], await RenewalTotalsAsync(subId));
    }

    [Fact]
    public async Task AcceptSaveDiscount_Twice_SecondRefused()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.Discount, 20, 3);
        var (member, subId) = await BuyProAsync();
        using var scope = factory.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();

        Assert.True((await runner.RunAsync(new AcceptSaveDiscount(member, subId))).Succeeded);
        var again = await runner.RunAsync(new AcceptSaveDiscount(member, subId));

        Assert.False(again.Succeeded);
        Assert.Equal("This subscription has already had the save offer.", again.Message);
    }

    [Fact]
    public async Task AcceptSaveDiscount_OnlyPauseOffered_Refused()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.Pause);
        var (member, subId) = await BuyProAsync();
        using var scope = factory.Services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new AcceptSaveDiscount(member, subId));

        Assert.False(result.Succeeded);
        Assert.Equal([1900], await RenewalTotalsAsync(subId));
    }
}
