using MembershipPortal.Domain.Metrics;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Tests.Analytics;

/// <summary>Real checkouts, upgrades, add-ons and cancellations through the billing services, read back as movements.</summary>
public sealed class LiveMovementsTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;
    private static readonly CardDetails Good = new(TestPaymentGateway.Succeeds, 12, 2030, "123");

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

    private T Service<T>() where T : notnull => factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<(string Member, Guid Subscription)> BuyAsync(Guid priceId, CardDetails? card = null)
    {
        var user = await factory.CreateUserAsync($"m{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var outcome = await Service<CheckoutService>().CheckoutAsync(user.Id, user.Email!, new CheckoutChoice
        {
            PriceId = priceId,
            Shipping = new AddressInput { Name = "Ada", Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        }, card ?? Good);
        Assert.True(outcome.Succeeded, outcome.Error);
        return (user.Id, outcome.SubscriptionId!.Value);
    }

    private async Task<List<MovementRow>> MovementsAsync(YearMonth month) =>
        [.. await Service<AnalyticsService>().MovementsAsync(AnalyticsFilter.All, month, Enum.GetValues<MovementType>())];

    private static YearMonth Nov => new(2026, 11);

    [Fact]
    public async Task Checkout_IsNewBusiness_OnTheDayOfPurchase()
    {
        var (member, _) = await BuyAsync(catalog.ProMonthly);

        var m = Assert.Single(await MovementsAsync(Nov));
        Assert.Equal((member, MovementType.New, 1900m, new DateOnly(2026, 11, 23)), (m.MemberId, m.Type, m.Amount, m.Day));
    }

    [Fact]
    public async Task UpgradeThenAddOnThenCancel_AreExpansionByCauseThenChurn()
    {
        var (member, sub) = await BuyAsync(catalog.BasicMonthly);
        var runner = Service<UseCaseRunner>();

        factory.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True((await runner.RunAsync(new ChangePlan(member, sub, catalog.ProMonthly))).Succeeded);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var addOn = await runner.RunAsync(new AddAddOn(member, sub, catalog.KitMonthly, await AddressAsync(member)));
        Assert.True(addOn.Succeeded, addOn.Message);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True((await runner.RunAsync(new CancelSubscription(member, sub, "Too expensive", null))).Succeeded);

        var november = await MovementsAsync(Nov);
        Assert.Equal([MovementType.New, MovementType.Expansion, MovementType.Expansion], november.OrderBy(m => m.Day).Select(m => m.Type));
        var byDay = november.OrderBy(m => m.Day).ToList();
        Assert.Equal(1000m, byDay[1].ExpansionByCause!.Upgrade);
        Assert.Equal(1200m, byDay[2].ExpansionByCause!.AddOn);

        // Cancel at period end keeps counting until the period ends; the renewal run then ends it.
        factory.Clock.Advance(TimeSpan.FromDays(30));
        await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());
        var december = await MovementsAsync(new YearMonth(2026, 12));
        var churn = Assert.Single(december);
        Assert.Equal((MovementType.Churn, 3100m), (churn.Type, churn.Amount));
        var reasons = await Service<AnalyticsService>().CancelReasonsAsync(new DashboardRequest(Nov, new YearMonth(2026, 12), AnalyticsFilter.All));
        Assert.Equal([new CancelReasonRow("Too expensive", 1, 0)], reasons);
    }

    private async Task<Guid?> AddressAsync(string member) =>
        (await Service<AddressBook>().SaveAsync(member, null, "Home", new PostalAddress("Ada", "1 Main St", null, "Springfield", "IL", "62701", "US"))).Id;

    // A kit added to a membership is add-on expansion; removed (it leaves at the period end) it is contraction, not churn.
    [Fact]
    public async Task KitAddedToMembership_IsAddOnExpansion_KitRemovedAtPeriodEnd_IsContraction()
    {
        var (member, sub) = await BuyAsync(catalog.ProMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var added = await Service<UseCaseRunner>().RunAsync(new AddAddOn(member, sub, catalog.KitMonthly, await AddressAsync(member)));
        Assert.True(added.Succeeded, added.Message);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        Guid kit;
        await using (var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext())
            kit = await db.Prices.Where(p => p.Id == catalog.KitMonthly).Select(p => p.ProductId).SingleAsync();
        Assert.Null(await Service<BoxControls>().RemoveKitAsync(member, sub, kit));

        var november = (await MovementsAsync(Nov)).OrderBy(m => m.Day).ToList();
        factory.Clock.Advance(TimeSpan.FromDays(30));
        await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());
        var december = await MovementsAsync(new YearMonth(2026, 12));

        Assert.Equal([MovementType.New, MovementType.Expansion], november.Select(m => m.Type)); // asking to remove moves nothing yet
        Assert.Equal(1200m, november[1].ExpansionByCause!.AddOn);
        var contraction = Assert.Single(december);
        Assert.Equal((member, MovementType.Contraction, 1200m), (contraction.MemberId, contraction.Type, contraction.Amount));
    }

    [Fact]
    public async Task RenewalAtTheSamePrice_IsNoMovement_AndFailedRenewalsThatGoUnpaidAreChurn()
    {
        await BuyAsync(catalog.BasicMonthly);
        await BuyAsync(catalog.ProMonthly, new CardDetails(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123"));
        var run = factory.Services.GetRequiredService<RenewalRun>();

        factory.Clock.Advance(TimeSpan.FromDays(31));
        await run.RunOnceAsync(factory.Clock.GetUtcNow());
        Assert.Empty(await MovementsAsync(new YearMonth(2026, 12)));

        for (var day = 0; day < 8; day++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(1));
            await run.RunOnceAsync(factory.Clock.GetUtcNow());
        }
        var churn = Assert.Single(await MovementsAsync(new YearMonth(2026, 12)));
        Assert.Equal((MovementType.Churn, 1900m), (churn.Type, churn.Amount));
    }

    [Fact]
    public async Task IncrementalAppends_MatchAFullRebuild()
    {
        var store = factory.Services.GetRequiredService<AnalyticsStore>();
        var (member, sub) = await BuyAsync(catalog.BasicMonthly);
        await MovementsAsync(Nov);

        factory.Clock.Advance(TimeSpan.FromDays(3));
        await Service<UseCaseRunner>().RunAsync(new ChangePlan(member, sub, catalog.VipMonthly));
        await BuyAsync(catalog.BoxMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(40));
        await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());

        var incremental = await store.ReadAsync(s => Describe(s.Engine));
        var rebuilt = new AnalyticsStore(factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Infrastructure.Data.AppDbContext>>(),
            factory.Services.GetRequiredService<IOptions<AnalyticsOptions>>(), NullLogger<AnalyticsStore>.Instance);
        Assert.Equal(await rebuilt.ReadAsync(s => Describe(s.Engine)), incremental);
        Assert.Equal(3, incremental.Count);
    }

    [Fact]
    public async Task Dashboard_AfterCheckouts_ShowsMrrCustomersAndCash()
    {
        await BuyAsync(catalog.BasicMonthly);
        await BuyAsync(catalog.ProMonthly);

        var data = await Service<AnalyticsService>().DashboardAsync(new DashboardRequest(Nov.AddMonths(-2), Nov, AnalyticsFilter.All));

        var nov = data.Months[^1];
        Assert.Equal((2800m, 2, 2), (nov.MrrEnd, nov.CustomersEnd, nov.NewCustomers));
        Assert.Equal(new CashMonth(Nov, 2800, 2), data.Cash[^1]);
        Assert.Equal(1400m, data.Cash[^1].AverageOrderValue);
        Assert.Equal(12, data.Forecast.Count);
    }

    [Fact]
    public async Task Filter_ByProductKind_CountsOnlyThatSegment()
    {
        await BuyAsync(catalog.BasicMonthly);
        await BuyAsync(catalog.BoxMonthly);
        var analytics = Service<AnalyticsService>();

        var boxes = await analytics.MonthlyAsync(Nov, Nov, new AnalyticsFilter(Domain.Catalog.ProductKind.Box));
        var memberships = await analytics.MonthlyAsync(Nov, Nov, new AnalyticsFilter(Domain.Catalog.ProductKind.Membership));

        Assert.Equal(2500m, boxes[0].MrrEnd);
        Assert.Equal(900m, memberships[0].MrrEnd);
    }

    private static List<string> Describe(MrrEngine engine) =>
        engine.Movements().Select(m => $"{m.CustomerId} {m.Day} {m.Type} {m.MrrBefore}->{m.MrrAfter} {m.ExpansionByCause}").ToList();
}
