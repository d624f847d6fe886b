using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Data;

public sealed class LedgerPersistenceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Subscription_SavedAndReloaded_KeepsItemsTermsCouponAndHistory()
    {
        var member = await factory.CreateUserAsync($"ledger{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var now = factory.Clock.GetUtcNow();
        var product = new Product { Name = "Pro", Slug = $"pro-{Guid.NewGuid():N}"[..20], Kind = ProductKind.Membership, Rank = 2, Features = ["All videos", "Live Q&A"] };
        var price = CatalogPrice.Create(product.Id, new PriceTerms(new Money(1900, "USD"), BillingInterval.Month, setupFee: new Money(500, "USD")));
        var coupon = Coupon.Create(CouponTerms.Percent("welcome10", 10, CouponDuration.Repeating, 3), productIds: [product.Id]);
        var subscription = Subscription.Start(member.Id, [new NewSubscriptionItem(price)], now, paymentConfirmed: true, coupon);

        await using (var write = await db.CreateDbContextAsync())
        {
            write.Products.Add(product);
            write.Prices.Add(price);
            write.Coupons.Add(coupon);
            write.Entry(coupon).Property(CouponCodeColumn).CurrentValue = coupon.Code;
            write.Subscriptions.Add(subscription);
            await write.SaveChangesAsync();
        }

        await using var read = await db.CreateDbContextAsync();
        var loaded = await read.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subscription.Id);
        Assert.Equal(SubscriptionStatus.Active, loaded.Status);
        var item = Assert.Single(loaded.Items);
        Assert.Equal(price.Terms, item.Terms);
        Assert.Equal("WELCOME10", item.CouponCode);
        Assert.Equal(subscription.History.Count, loaded.History.Count);
        Assert.Equal(subscription.MonthlyRecurringMinor(), loaded.MonthlyRecurringMinor());
        Assert.Equal(now.AddMonths(1), loaded.CurrentPeriodEnd);

        var storedCoupon = await read.Coupons.SingleAsync(c => EF.Property<string>(c, CouponCodeColumn) == "WELCOME10");
        Assert.Equal([product.Id], storedCoupon.ProductIds);
        var storedProduct = await read.Products.SingleAsync(p => p.Id == product.Id);
        Assert.Equal(["All videos", "Live Q&A"], storedProduct.Features);
    }

    private const string CouponCodeColumn = "NormalizedCode";
}
