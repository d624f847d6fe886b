using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// A one-time physical product (a 15.00 starter kit) bought once with a membership: charged once at checkout, shipped once —
/// on its own when nothing else of the subscription is mailed, in the kit's first parcel when the membership has a monthly
/// kit. Buyers join on 23 Nov 2026 (after November's cut-off), so everything waits for December. Own fixture: fixed dates.
/// </summary>
public sealed class OneTimeGoodsTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly CycleKey December = new(2026, 12), January = new(2027, 1);

    private async Task<T> Use<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<(Guid Product, Guid Price)> StarterKitAsync()
    {
        await using var db = await fixture.Db();
        var starter = new Product
        {
            Name = "Starter Kit",
            Slug = $"starter-kit-{Guid.NewGuid():N}",
            Kind = ProductKind.AddOn,
            AddOnBilling = AddOnBilling.OneTime,
            ShipsPhysically = true,
            CreatedAt = fixture.Factory.Clock.GetUtcNow(),
        };
        var price = CatalogPrice.Create(starter.Id, new PriceTerms(new Money(1500, "USD"), BillingInterval.Month));
        db.Products.Add(starter);
        db.Prices.Add(price);
        await db.SaveChangesAsync();
        return (starter.Id, price.Id);
    }

    private async Task<(string Id, Guid SubscriptionId)> BuyAsync(Guid starterPrice, params Guid[] addOns)
    {
        var email = $"starter{Guid.NewGuid():N}@example.test";
        var user = await fixture.Factory.CreateUserAsync(email, "a long member passphrase");
        var outcome = await Use(sp => sp.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
            new CheckoutChoice { PriceId = fixture.Catalog.ProMonthly, AddOnPriceIds = [.. addOns], OneTimePriceIds = [starterPrice], Shipping = KitShipmentTests.Address },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123")));
        Assert.True(outcome.Succeeded, outcome.Error);
        return (user.Id, outcome.SubscriptionId!.Value);
    }

    [Fact]
    public async Task OneTimeKit_ShipsExactlyOnce_OnItsOwnOrInTheKitsFirstParcel_ChargedOnce()
    {
        var (starter, starterPrice) = await StarterKitAsync();
        Guid kit;
        await using (var db = await fixture.Db())
            kit = await db.Prices.Where(p => p.Id == fixture.Catalog.KitMonthly).Select(p => p.ProductId).SingleAsync();
        var alone = await BuyAsync(starterPrice);
        var withKit = await BuyAsync(starterPrice, fixture.Catalog.KitMonthly);
        var shipments = (Func<IServiceProvider, ShipmentService>)(sp => sp.GetRequiredService<ShipmentService>());

        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 1, 0, 0, TimeSpan.Zero));
        var first = await Use(sp => shipments(sp).GenerateAsync(starter, December));
        var again = await Use(sp => shipments(sp).GenerateAsync(starter, December));
        await Use(sp => shipments(sp).GenerateAsync(kit, December));
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 12, 1, 0, TimeSpan.Zero));
        await Use(sp => sp.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow()));
        fixture.Factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 13, 1, 0, 0, TimeSpan.Zero));
        await Use(sp => shipments(sp).GenerateAsync(starter, January));
        await Use(sp => shipments(sp).GenerateAsync(kit, January));

        Assert.Equal((1, 0), (first.Created, again.Created));
        await using var check = await fixture.Db();
        var own = Assert.Single(await check.Shipments.Where(s => s.SubscriptionId == alone.SubscriptionId).ToListAsync());
        Assert.Equal((starter, "2026-12"), (own.ProductId, own.Cycle));
        Assert.Equal(["Starter Kit (one-time)"], own.Lines.Select(l => l.Description));
        var parcels = await check.Shipments.Where(s => s.SubscriptionId == withKit.SubscriptionId).OrderBy(s => s.Cycle).ToListAsync();
        Assert.Equal(["2026-12", "2027-01"], parcels.Select(p => p.Cycle));
        Assert.Equal(["Craft Kit", "Starter Kit (one-time)"], parcels[0].Lines.Select(l => l.Description));
        Assert.Equal(["Craft Kit"], parcels[1].Lines.Select(l => l.Description));
        var invoices = await check.Invoices.Where(i => i.SubscriptionId == alone.SubscriptionId).OrderBy(i => i.CreatedAt).ToListAsync();
        Assert.Equal([3400L, 1900L], invoices.Select(i => i.TotalMinor)); // the starter kit on the first charge only
        Assert.Equal([3400L + 1200L, 1900L + 1200L], await check.Invoices.Where(i => i.SubscriptionId == withKit.SubscriptionId).OrderBy(i => i.CreatedAt).Select(i => i.TotalMinor).ToListAsync());
    }

    [Fact]
    public async Task Checkout_RecurringAddOnAsOneTime_OrOneTimeInAnotherCurrency_Refused_NothingCharged()
    {
        var user = await fixture.Factory.CreateUserAsync($"refused{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var outcome = await Use(sp => sp.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, "refused@example.test",
            new CheckoutChoice { PriceId = fixture.Catalog.ProMonthly, OneTimePriceIds = [fixture.Catalog.KitMonthly], Shipping = KitShipmentTests.Address },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123")));

        Assert.False(outcome.Succeeded);
        Assert.Equal("Craft Kit cannot be bought with Pro.", outcome.Error);
        await using var db = await fixture.Db();
        Assert.False(await db.Invoices.AnyAsync(i => i.MemberId == user.Id));
    }

    [Fact]
    public async Task CheckoutPage_OffersTheOneTimeProductOnce_NotAsARecurringAddOn_QuoteChargesItToday()
    {
        var (_, price) = await StarterKitAsync();

        var offer = await Use(sp => sp.GetRequiredService<CheckoutService>().GetPageAsync(fixture.Catalog.ProMonthly));
        var quote = await Use(sp => sp.GetRequiredService<CheckoutService>().QuoteAsync(new CheckoutChoice
        {
            PriceId = fixture.Catalog.ProMonthly,
            OneTimePriceIds = [price],
            Shipping = KitShipmentTests.Address,
        }));

        Assert.Contains(offer!.OneTime, o => o.PriceId == price && o.Ships);
        Assert.DoesNotContain(offer.AddOns, a => a.PriceId == price);
        Assert.Equal((3400L, 1900L), (quote.Invoice.FirstCharge.Minor, quote.Invoice.RecurringAmount.Minor)); // 15.00 today only
    }
}
