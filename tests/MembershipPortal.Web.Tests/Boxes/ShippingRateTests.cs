using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>The Owner's shipping zones as one-country zones (the rates they replaced): only zone countries are accepted, and the rate is charged per box.</summary>
public sealed class ShippingRateTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private AuditActor Owner => fixture.OwnerActor; // a real Owner: every Owner/Staff write is checked against the database

    [Fact]
    public async Task Rates_OwnerOnly_LimitCountries_ChargedAtCheckoutAndRenewal_StatedInTheReminder_NothingForASkippedBox()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var rates = scope.ServiceProvider.GetRequiredService<ShippingZones>();
        Assert.Equal("Only the Owner can change where parcels ship.", await rates.SaveAsync(null, new ZoneInput("US", ["US"], 500, "USD", null), fixture.StaffActor));
        Assert.StartsWith("JP is not a country", await rates.SaveAsync(null, new ZoneInput("Japan", ["JP"], 500, "USD", null), Owner));
        Assert.Null(await rates.SaveAsync(null, new ZoneInput("US", ["US"], 500, "USD", null), Owner));
        Assert.Null(await rates.SaveAsync(null, new ZoneInput("Canada", ["CA"], 900, "USD", null), Owner));
        Assert.Equal(["CA", "US"], (await rates.OfferedCountriesAsync()).Order());

        var (_, problems) = await scope.ServiceProvider.GetRequiredService<AddressBook>().SaveAsync(fixture.MemberId, null, null,
            new PostalAddress("Ada", "Unter den Linden 1", null, "Berlin", null, "10117", "DE"));
        Assert.Equal(["We do not ship to Germany at the moment."], problems);

        var quote = await scope.ServiceProvider.GetRequiredService<CheckoutService>().QuoteAsync(new CheckoutChoice
        {
            PriceId = fixture.Catalog.BoxMonthly,
            Shipping = new AddressInput { Country = "CA" },
        });
        Assert.Equal((3400L, 3400L), (quote.Invoice.FirstCharge.Minor, quote.Invoice.RecurringAmount.Minor));

        var payer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly); // ships to the US
        var skipper = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        await using (var db = await fixture.Db())
            Assert.Equal(3000, (await db.Invoices.SingleAsync(i => i.SubscriptionId == payer.SubscriptionId)).TotalMinor);
        var next = BoxTimeline.Open(fixture.Factory).Next();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(skipper.Id, skipper.SubscriptionId, next));
        Assert.Equal(3000, Assert.Single((await scope.ServiceProvider.GetRequiredService<BillingService>().OverviewAsync(payer.Id)).Subscriptions).NextAmount.Minor);

        DateTimeOffset renewal;
        await using (var db = await fixture.Db())
            renewal = await db.Subscriptions.Where(s => s.Id == payer.SubscriptionId).Select(s => s.CurrentPeriodEnd).SingleAsync();
        // The reminder a week before states what the renewal will charge: the box and its shipping.
        fixture.Factory.Clock.SetUtcNow(renewal.AddDays(-7));
        await scope.ServiceProvider.GetRequiredService<NoticeRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());
        await using (var db = await fixture.Db())
        {
            Assert.Contains("$30.00 will be charged", (await db.Outbox.SingleAsync(o => o.SubscriptionId == payer.SubscriptionId && o.Kind == "renewal-reminder")).TextBody);
            // The skipped box's renewal charges nothing: no reminder, the billing page says so, and looking ahead bound no skip.
            Assert.False(await db.Outbox.AnyAsync(o => o.SubscriptionId == skipper.SubscriptionId && o.Kind == "renewal-reminder"));
            Assert.All(await db.BoxSkips.Where(k => k.SubscriptionId == skipper.SubscriptionId).ToListAsync(), k => Assert.Null(k.WaivedPeriodStart));
        }
        Assert.Equal(0, Assert.Single((await scope.ServiceProvider.GetRequiredService<BillingService>().OverviewAsync(skipper.Id)).Subscriptions).NextAmount.Minor);
        // The Owner's member page states the same next charges.
        var members = scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Members.Admin.MemberAdminService>();
        Assert.Equal(3000, Assert.Single((await members.DetailAsync(payer.Id))!.Subscriptions).NextAmount.Minor);
        Assert.Equal(0, Assert.Single((await members.DetailAsync(skipper.Id))!.Subscriptions).NextAmount.Minor);

        fixture.Factory.Clock.SetUtcNow(renewal.AddMinutes(1));
        await scope.ServiceProvider.GetRequiredService<RenewalRun>().RunOnceAsync(fixture.Factory.Clock.GetUtcNow());

        await using var check = await fixture.Db();
        var renewed = await check.Invoices.Where(i => i.SubscriptionId == payer.SubscriptionId).OrderByDescending(i => i.CreatedAt).FirstAsync();
        Assert.Equal(3000, renewed.TotalMinor);
        Assert.Contains(renewed.Lines, l => l.Description == "Shipping to United States" && l.AmountMinor == 500);
        var waived = await check.Invoices.Where(i => i.SubscriptionId == skipper.SubscriptionId).OrderByDescending(i => i.CreatedAt).FirstAsync();
        Assert.Equal(("box_skipped", 0L), (waived.Reason, waived.TotalMinor));
    }
}
