using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// Shipping zones price checkout and renewals: one zone "North America" (US, CA) at 7.00 per parcel, free from 50.00 of goods
/// on the charge. The test box is 25.00 a month. Own fixture: this class moves the clock to a renewal.
/// </summary>
public sealed class ShippingZoneTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private async Task<(string Id, Guid SubscriptionId)> BuyAsync(string country, int quantity)
    {
        var email = $"zone{Guid.NewGuid():N}@example.test";
        var user = await fixture.Factory.CreateUserAsync(email, "a long member passphrase");
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var address = country == "CA"
            ? new AddressInput { Name = "Jean Tremblay", Line1 = "1 Rue Principale", City = "Ottawa", Region = "ON", PostalCode = "K1A 0B1", Country = "CA" }
            : new AddressInput { Name = "Ada Lovelace", Line1 = "1 Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" };
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
            new CheckoutChoice { PriceId = fixture.Catalog.BoxMonthly, Quantity = quantity, Shipping = address }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        return (user.Id, outcome.SubscriptionId!.Value);
    }

    [Fact]
    public async Task Zone_PricesCheckoutAndRenewal_OnePerParcel_FreeFromTheThreshold_TodaysRateAtRenewal_OtherCountriesRefused()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var zones = scope.ServiceProvider.GetRequiredService<ShippingZones>();
        Assert.Null(await zones.SaveAsync(null, new ZoneInput("North America", ["US", "CA"], 700, "USD", 5000), fixture.OwnerActor));
        var zone = Assert.Single(await zones.ListAsync());
        Assert.Equal(["CA", "US"], (await zones.OfferedCountriesAsync()).Order());

        var canada = await BuyAsync("CA", quantity: 1);
        var bulk = await BuyAsync("US", quantity: 2);
        var refused = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(canada.Id, "x@example.test",
            new CheckoutChoice { PriceId = fixture.Catalog.BoxMonthly, Shipping = new AddressInput { Name = "A", Line1 = "1 High St", City = "London", PostalCode = "SW1A 1AA", Country = "GB" } },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));

        await using (var db = await fixture.Db())
        {
            var first = await db.Invoices.SingleAsync(i => i.SubscriptionId == canada.SubscriptionId);
            Assert.Equal(3200, first.TotalMinor); // the box and one parcel to Canada
            Assert.Contains(first.Lines, l => l.Description == "Shipping to Canada" && l.AmountMinor == 700);
            Assert.Equal(5000, (await db.Invoices.SingleAsync(i => i.SubscriptionId == bulk.SubscriptionId)).TotalMinor); // two boxes reach 50.00: free
        }
        Assert.False(refused.Succeeded);
        Assert.Contains("United Kingdom", refused.Error);

        // The Owner raises the zone's rate: the next renewal charges today's rate.
        Assert.Null(await zones.SaveAsync(zone.Id, new ZoneInput("North America", ["US", "CA"], 800, "USD", 5000), fixture.OwnerActor));
        DateTimeOffset renewal;
        await using (var db = await fixture.Db())
            renewal = await db.Subscriptions.Where(s => s.Id == canada.SubscriptionId).Select(s => s.CurrentPeriodEnd).SingleAsync();
        fixture.Factory.Clock.SetUtcNow(renewal.AddMinutes(1));
        await scope.ServiceProvider.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());

        await using var check = await fixture.Db();
        var renewed = await check.Invoices.Where(i => i.SubscriptionId == canada.SubscriptionId).OrderByDescending(i => i.CreatedAt).FirstAsync();
        Assert.Equal(3300, renewed.TotalMinor);
        Assert.Contains(renewed.Lines, l => l.Description == "Shipping to Canada" && l.AmountMinor == 800);
        var bulkRenewed = await check.Invoices.Where(i => i.SubscriptionId == bulk.SubscriptionId).OrderByDescending(i => i.CreatedAt).FirstAsync();
        Assert.Equal(5000, bulkRenewed.TotalMinor);
        Assert.DoesNotContain(bulkRenewed.Lines, l => l.Description.StartsWith("Shipping", StringComparison.Ordinal));
    }
}
