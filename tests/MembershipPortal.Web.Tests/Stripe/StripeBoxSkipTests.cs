using System.Net;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// With Stripe billing a box, a skip becomes a credit for the box on the subscription's next Stripe invoice (a negative
/// invoice item, idempotent per subscription and cycle); taking the skip back deletes it; a refusal by Stripe changes nothing.
/// </summary>
public sealed class StripeBoxSkipTests : IDisposable
{
    private readonly StripePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private sealed record BoxWorld(string MemberId, Guid SubscriptionId, CycleKey Open);

    private async Task<BoxWorld> SeedBoxAsync()
    {
        var key = Guid.NewGuid().ToString("N")[..10];
        var member = await factory.CreateUserAsync($"box-{key}@example.test", "a long member passphrase");
        var now = factory.Clock.GetUtcNow();
        var box = new Product { Name = "Tea Box", Slug = $"tea-{key}", Kind = ProductKind.Box, CreatedAt = now };
        var price = CatalogPrice.Create(box.Id, PriceTerms.Monthly(new Money(2500, "USD")));
        var sub = Subscription.Start(member.Id, [new NewSubscriptionItem(price)], now.AddDays(-3), paymentConfirmed: true);
        await using var db = await factory.DbAsync();
        db.Products.Add(box);
        db.Prices.Add(price);
        db.Subscriptions.Add(sub);
        db.SubscriptionRecords.Add(new SubscriptionRecord { SubscriptionId = sub.Id, Gateway = "Stripe", GatewaySubscriptionId = $"sub_{key}" });
        db.BillingProfiles.Add(new BillingProfile { MemberId = member.Id, Gateway = "Stripe", CustomerId = $"cus_{key}", UpdatedAt = now });
        await db.SaveChangesAsync();
        var schedule = new BoxSchedule(box.BoxCutoffDay, box.BoxShipDay, TimeZoneInfo.Utc);
        var open = schedule.CycleFor(now);
        if (!schedule.IsOpen(open, now))
            open = open.Next();
        return new BoxWorld(member.Id, sub.Id, open.Next());
    }

    [Fact]
    public async Task Skip_CreditsTheBoxOnTheNextStripeInvoice_UndoDeletesTheCredit()
    {
        var w = await SeedBoxAsync();
        var item = StripeFixtures.Resource("invoiceitem");
        factory.StripeApi.Reply(HttpMethod.Post, "/v1/invoiceitems", item)
            .Reply(HttpMethod.Delete, $"/v1/invoiceitems/{item["id"]}", new System.Text.Json.Nodes.JsonObject { ["id"] = (string)item["id"]!, ["object"] = "invoiceitem", ["deleted"] = true });

        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(w.MemberId, w.SubscriptionId, w.Open));

        var credit = Assert.Single(factory.StripeApi.Requests);
        Assert.Equal(("POST", "/v1/invoiceitems"), (credit.Method, credit.Path));
        Assert.Equal("-2500", credit.Form["amount"]);
        Assert.Equal("usd", credit.Form["currency"]);
        Assert.StartsWith("sub_", credit.Form["subscription"]);
        Assert.StartsWith("cus_", credit.Form["customer"]);
        Assert.Equal($"{w.Open} box skipped", credit.Form["description"]);
        Assert.Equal($"box-skip-credit:{w.SubscriptionId:N}:{w.Open}", credit.IdempotencyKey);
        await using (var db = await factory.DbAsync())
            Assert.Equal((string)item["id"]!, (await db.BoxSkips.SingleAsync(s => s.SubscriptionId == w.SubscriptionId)).GatewayCreditId);

        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<BoxControls>().UnskipAsync(w.MemberId, w.SubscriptionId, w.Open));

        Assert.Equal(("DELETE", $"/v1/invoiceitems/{item["id"]}"), (factory.StripeApi.Requests[^1].Method, factory.StripeApi.Requests[^1].Path));
        await using (var db = await factory.DbAsync())
            Assert.False(await db.BoxSkips.AnyAsync(s => s.SubscriptionId == w.SubscriptionId));
    }

    [Fact]
    public async Task Skip_StripeBillsShipping_CreditAlsoGivesTheShippingBack()
    {
        var w = await SeedBoxAsync();
        await using (var db = await factory.DbAsync())
        {
            await MembershipPortal.Infrastructure.Payments.Stripe.StripeShippingCharge.SetAsync(db, w.SubscriptionId, 700, factory.Clock.GetUtcNow(), default);
            await db.SaveChangesAsync();
        }
        factory.StripeApi.Reply(HttpMethod.Post, "/v1/invoiceitems", StripeFixtures.Resource("invoiceitem"));

        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(w.MemberId, w.SubscriptionId, w.Open));

        Assert.Equal("-3200", Assert.Single(factory.StripeApi.Requests).Form["amount"]);
    }

    [Fact]
    public async Task Skip_StripeRefuses_ClearMessageAndNoSkip()
    {
        var w = await SeedBoxAsync();
        factory.StripeApi.Reply(HttpMethod.Post, "/v1/invoiceitems",
            StubStripeApi.Error("invalid_request_error", "resource_missing", "No such subscription."), HttpStatusCode.BadRequest);

        string? problem;
        await using (var scope = factory.Services.CreateAsyncScope())
            problem = await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(w.MemberId, w.SubscriptionId, w.Open);

        Assert.Equal("The skip could not be passed to the payment provider, so nothing changed: No such subscription.", problem);
        await using var db = await factory.DbAsync();
        Assert.False(await db.BoxSkips.AnyAsync(s => s.SubscriptionId == w.SubscriptionId));
    }

    [Fact]
    public async Task Undo_CreditAlreadyInvoiced_SkipStays()
    {
        var w = await SeedBoxAsync();
        var item = StripeFixtures.Resource("invoiceitem");
        factory.StripeApi.Reply(HttpMethod.Post, "/v1/invoiceitems", item)
            .Reply(HttpMethod.Delete, $"/v1/invoiceitems/{item["id"]}",
                StubStripeApi.Error("invalid_request_error", "invoice_item_already_invoiced", "This invoice item has already been invoiced."), HttpStatusCode.BadRequest);
        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ShipmentService>().SkipAsync(w.MemberId, w.SubscriptionId, w.Open));

        string? problem;
        await using (var scope = factory.Services.CreateAsyncScope())
            problem = await scope.ServiceProvider.GetRequiredService<BoxControls>().UnskipAsync(w.MemberId, w.SubscriptionId, w.Open);

        Assert.Equal($"The {w.Open} box's credit is already on an invoice; the skip stays.", problem);
        await using var db = await factory.DbAsync();
        Assert.True(await db.BoxSkips.AnyAsync(s => s.SubscriptionId == w.SubscriptionId));
    }
}
