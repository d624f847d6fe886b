using MembershipPortal.Domain.Shipping;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>The member's address book: checkout files the address, a box ships to one entry, edits follow, snapshots stay.</summary>
public sealed class AddressBookTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly PostalAddress London = new("Ada Lovelace", "12 St James's Square", null, "London", null, "sw1y4lb", "gb");

    private async Task<T> Use<T>(Func<AddressBook, ShipmentService, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AddressBook>(), scope.ServiceProvider.GetRequiredService<ShipmentService>());
    }

    [Fact]
    public async Task ShipTo_AnotherBookAddress_NextBoxGoesThere_GeneratedBoxKeepsItsSnapshot()
    {
        var cycle = BoxTimeline.Open(fixture.Factory);
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var book = await Use((b, _) => b.ListAsync(buyer.Id));
        var home = Assert.Single(book);
        Assert.Equal(["Tea Box"], home.UsedBy);
        Assert.Equal(("62701", "US"), (home.Address.PostalCode, home.Address.Country));

        var (badId, problems) = await Use((b, _) => b.SaveAsync(buyer.Id, null, null, London with { PostalCode = "SW1" }));
        Assert.Null(badId);
        Assert.Contains(problems, p => p.Contains("is not a postal code in United Kingdom", StringComparison.Ordinal));
        var (saved, none) = await Use((b, _) => b.SaveAsync(buyer.Id, null, "Office", London));
        Assert.Empty(none);
        var londonId = saved!.Value;
        Assert.Equal(2, (await Use((b, _) => b.ListAsync(buyer.Id))).Count);

        Assert.Null(await Use((b, _) => b.ShipToAsync(buyer.Id, buyer.SubscriptionId, londonId)));
        Assert.Equal("Subscription not found.", await Use((b, _) => b.ShipToAsync(fixture.MemberId, buyer.SubscriptionId, londonId)));
        Assert.Equal("This address is not in your address book.", await Use((b, _) => b.DeleteAsync(fixture.MemberId, londonId)));
        Assert.Contains("ships to this address", await Use((b, _) => b.DeleteAsync(buyer.Id, londonId)));
        Assert.Null(await Use((b, _) => b.DeleteAsync(buyer.Id, home.Id))); // no longer used

        Guid box;
        await using (var db = await fixture.Db())
            box = await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await Use((_, s) => s.GenerateAsync(box, cycle));
        var (_, edited) = await Use((b, _) => b.SaveAsync(buyer.Id, londonId, "Office", London with { Line1 = "1 Poultry" }));
        Assert.Empty(edited);

        await using var check = await fixture.Db();
        var shipment = await check.Shipments.SingleAsync(s => s.SubscriptionId == buyer.SubscriptionId);
        Assert.Equal(("12 St James's Square", "SW1Y 4LB", "GB"), (shipment.Address.Line1, shipment.Address.PostalCode, shipment.Address.Country));
        var record = await check.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == buyer.SubscriptionId);
        Assert.Equal(("1 Poultry", londonId), (record.ShippingAddress!.Line1, record.AddressId));
    }

    [Fact]
    public async Task AddressesPage_ListsTheBook()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        using var client = fixture.Factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(client, buyer.Email, "a long member passphrase");
        var page = await client.GetStringAsync("/account/addresses");
        Assert.Contains("1 Main Street", page);
        Assert.Contains("Ships Tea Box", page);
        Assert.Contains("Manage addresses", await client.GetStringAsync("/account/boxes"));
    }
}
