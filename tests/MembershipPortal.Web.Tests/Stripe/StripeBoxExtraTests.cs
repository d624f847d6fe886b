using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// One-time box extras with Stripe as the billing engine, as on the test gateway: the extra is charged at once as an
/// off-session PaymentIntent on the customer's default card (the attempt id is the idempotency key, so a double click
/// charges once), recorded in the ledger, and refunded at Stripe when the member takes it off before the cut-off.
/// </summary>
public sealed class StripeBoxExtraTests : IDisposable
{
    private readonly StripePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<(string MemberId, Guid SubscriptionId, Guid MugPrice, string CustomerId)> SeedAsync()
    {
        var key = Guid.NewGuid().ToString("N")[..10];
        var member = await factory.CreateUserAsync($"extra-{key}@example.test", "a long member passphrase");
        var now = factory.Clock.GetUtcNow();
        var box = new Product { Name = "Tea Box", Slug = $"tea-{key}", Kind = ProductKind.Box, CreatedAt = now };
        var mug = new Product { Name = "Mug", Slug = $"mug-{key}", Kind = ProductKind.AddOn, AddOnBilling = AddOnBilling.OneTime, CreatedAt = now };
        var price = CatalogPrice.Create(box.Id, PriceTerms.Monthly(new Money(2500, "USD")));
        var mugPrice = CatalogPrice.Create(mug.Id, new PriceTerms(new Money(1200, "USD"), BillingInterval.Month));
        var sub = Subscription.Start(member.Id, [new NewSubscriptionItem(price)], now.AddDays(-3), paymentConfirmed: true);
        await using var db = await factory.DbAsync();
        db.Products.AddRange(box, mug);
        db.Prices.AddRange(price, mugPrice);
        db.Subscriptions.Add(sub);
        db.SubscriptionRecords.Add(new SubscriptionRecord { SubscriptionId = sub.Id, Gateway = "Stripe", GatewaySubscriptionId = $"sub_{key}" });
        db.BillingProfiles.Add(new BillingProfile { MemberId = member.Id, Gateway = "Stripe", CustomerId = $"cus_{key}", CardLast4 = "4242", UpdatedAt = now });
        await db.SaveChangesAsync();
        return (member.Id, sub.Id, mugPrice.Id, $"cus_{key}");
    }

    private async Task<T> UseAsync<T>(Func<BoxControls, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<BoxControls>());
    }

    [Fact]
    public async Task Extra_IsChargedOffSessionOnTheDefaultCard_Once_AndRemovingItRefundsItAtStripe()
    {
        var (memberId, subscriptionId, mugPrice, customerId) = await SeedAsync();
        var customer = StripeFixtures.Resource("customer");
        customer["id"] = customerId;
        customer["invoice_settings"]!["default_payment_method"] = "pm_default_card";
        var intent = StripeFixtures.Resource("payment_intent");
        (intent["status"], intent["last_payment_error"], intent["amount"]) = ("succeeded", null, 2400);
        var refund = StripeFixtures.Resource("refund");
        factory.StripeApi.Reply(HttpMethod.Get, $"/v1/customers/{customerId}", customer)
            .Reply(HttpMethod.Post, "/v1/payment_intents", intent)
            .Reply(HttpMethod.Post, "/v1/refunds", refund);
        var attempt = Guid.NewGuid();

        Assert.Null(await UseAsync(c => c.AddExtraAsync(memberId, subscriptionId, mugPrice, 2, attempt)));
        Assert.Null(await UseAsync(c => c.AddExtraAsync(memberId, subscriptionId, mugPrice, 2, attempt))); // a double click

        var charge = Assert.Single(factory.StripeApi.Requests, r => r.Path == "/v1/payment_intents");
        Assert.Equal(($"box-extra:{attempt}", "2400", "usd", customerId, "pm_default_card"),
            (charge.IdempotencyKey, charge.Form["amount"], charge.Form["currency"], charge.Form["customer"], charge.Form["payment_method"]));
        Assert.Equal(("true", "true"), (charge.Form["off_session"], charge.Form["confirm"]));
        await using (var db = await factory.DbAsync())
        {
            var extra = await db.BoxExtras.SingleAsync(e => e.Id == attempt);
            Assert.Equal(((string)intent["id"]!, BoxExtraStatus.Pending, 2400L), (extra.GatewayPaymentId, extra.Status, extra.AmountMinor));
            var invoice = await db.Invoices.SingleAsync(i => i.Id == extra.InvoiceId);
            Assert.Equal((InvoiceStatus.Paid, 2400L), (invoice.Status, invoice.AmountPaidMinor));
        }

        Assert.Null(await UseAsync(c => c.RemoveExtraAsync(memberId, attempt)));

        var back = Assert.Single(factory.StripeApi.Requests, r => r.Path == "/v1/refunds");
        Assert.Equal(((string)intent["id"]!, "2400", $"refund:box-extra:{attempt}"), (back.Form["payment_intent"], back.Form["amount"], back.IdempotencyKey));
        await using (var db = await factory.DbAsync())
        {
            var extra = await db.BoxExtras.SingleAsync(e => e.Id == attempt);
            Assert.Equal(BoxExtraStatus.Removed, extra.Status);
            Assert.Equal(InvoiceStatus.Refunded, (await db.Invoices.SingleAsync(i => i.Id == extra.InvoiceId)).Status);
            Assert.Contains(await db.Payments.Where(p => p.InvoiceId == extra.InvoiceId).ToListAsync(), p => p.Outcome == PaymentOutcome.Refunded && p.AmountMinor == -2400);
        }
    }

    [Fact]
    public async Task Extra_NoDefaultCardAtStripe_NothingIsAddedOrCharged()
    {
        var (memberId, subscriptionId, mugPrice, customerId) = await SeedAsync();
        var customer = StripeFixtures.Resource("customer");
        customer["id"] = customerId;
        factory.StripeApi.Reply(HttpMethod.Get, $"/v1/customers/{customerId}", customer);

        Assert.Equal("There is no card on file.", await UseAsync(c => c.AddExtraAsync(memberId, subscriptionId, mugPrice, 1, Guid.NewGuid())));

        Assert.DoesNotContain(factory.StripeApi.Requests, r => r.Path == "/v1/payment_intents");
        await using var db = await factory.DbAsync();
        Assert.False(await db.BoxExtras.AnyAsync(e => e.MemberId == memberId));
    }
}
