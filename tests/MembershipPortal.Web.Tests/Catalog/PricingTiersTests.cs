using Bunit;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Catalog.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MembershipPortal.Web.Tests.Catalog;

// xunit 2 disposes test classes synchronously, and MudBlazor's services only dispose asynchronously: hold the context
// and dispose it through IAsyncLifetime.
public sealed class PricingTiersTests : IAsyncLifetime
{
    private readonly BunitContext bunit = new();

    private static readonly Guid BasicMonthly = Guid.NewGuid(), ProMonthly = Guid.NewGuid(), ProYearly = Guid.NewGuid(), VipMonthly = Guid.NewGuid();

    public PricingTiersTests()
    {
        bunit.Services.AddMudServices();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await bunit.DisposeAsync();

    private static PublicPrice Price(Guid id, long minor, BillingInterval interval, int trialDays = 0) =>
        new(id, new PriceTerms(new Money(minor, "USD"), interval, 1, trialDays), null);

    private static PublicProduct Tier(string name, int rank, params PublicPrice[] prices) =>
        new(Guid.NewGuid(), ProductKind.Membership, name, name.ToLowerInvariant(), "", null, [$"{name} perk"], rank, false, null, prices);

    private static PricingCatalog Catalog(params PublicProduct[] tiers) => new(tiers, [], []);

    private static PricingCatalog CraftClub() => Catalog(
        Tier("Basic", 1, Price(BasicMonthly, 900, BillingInterval.Month)),
        Tier("Pro", 2, Price(ProMonthly, 1900, BillingInterval.Month, trialDays: 7), Price(ProYearly, 19000, BillingInterval.Year)),
        Tier("VIP", 3, Price(VipMonthly, 3900, BillingInterval.Month)));

    private IRenderedComponent<PricingTiers> RenderTiers(PricingCatalog catalog, PricingPeriod period = PricingPeriod.Monthly) =>
        bunit.Render<PricingTiers>(p => p.Add(t => t.Catalog, catalog).Add(t => t.Period, period));

    private static string Text(IRenderedComponent<PricingTiers> cut, string testId) =>
        string.Join(" ", cut.Find($"[data-testid='{testId}']").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Render_Default_MonthlyPricesMiddleTierMostPopular()
    {
        var cut = RenderTiers(CraftClub());

        Assert.Equal("$19 /mo", Text(cut, "price-pro"));
        Assert.Equal($"/checkout?price={ProMonthly}", cut.Find("[data-testid='choose-pro']").GetAttribute("href"));
        Assert.Contains("Most popular", cut.Find("[data-testid='tier-pro']").TextContent);
        Assert.DoesNotContain("Most popular", cut.Find("[data-testid='tier-basic']").TextContent);
        Assert.Contains("7-day free trial", cut.Find("[data-testid='tier-pro']").TextContent);
        Assert.Contains("Pro perk", cut.Find("[data-testid='tier-pro']").TextContent);
    }

    [Fact]
    public void SwitchToYearly_ShowsYearlyPriceSavingAndYearlyCheckout_AndBack()
    {
        // The switch is two links (the page holds no circuit): the address carries the period.
        var monthly = RenderTiers(CraftClub());
        Assert.EndsWith("?period=yearly", monthly.Find("[data-testid='period-yearly']").GetAttribute("href"));
        Assert.Equal("true", monthly.Find("[data-testid='period-monthly']").GetAttribute("aria-current"));

        var cut = RenderTiers(CraftClub(), PricingPeriod.Yearly);
        Assert.Equal("true", cut.Find("[data-testid='period-yearly']").GetAttribute("aria-current"));

        Assert.Equal("$190 /yr", Text(cut, "price-pro"));
        // $190 against 12 × $19 = $228 saves 16.7%, shown rounded down.
        Assert.Equal("Save 16%", Text(cut, "save-pro"));
        Assert.Contains("$15.83 a month, billed yearly", cut.Find("[data-testid='tier-pro']").TextContent);
        Assert.Equal($"/checkout?price={ProYearly}", cut.Find("[data-testid='choose-pro']").GetAttribute("href"));
        // A tier without a yearly price keeps showing its monthly one.
        Assert.Equal("$9 /mo", Text(cut, "price-basic"));

        Assert.DoesNotContain("period=", cut.Find("[data-testid='period-monthly']").GetAttribute("href"));
        Assert.Equal("$19 /mo", Text(monthly, "price-pro"));
    }

    [Fact]
    public void Render_NoTierOffersBothPeriods_NoSwitch()
    {
        var cut = RenderTiers(Catalog(Tier("Solo", 1, Price(BasicMonthly, 500, BillingInterval.Month))));

        Assert.Empty(cut.FindAll("[data-testid='pricing-period']"));
        Assert.DoesNotContain("Most popular", cut.Markup);
        Assert.Equal("$5 /mo", Text(cut, "price-solo"));
    }
}
