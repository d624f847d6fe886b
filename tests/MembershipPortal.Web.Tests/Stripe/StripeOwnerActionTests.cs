using System.Net;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>A plan change on a Stripe-billed subscription goes through Stripe (item moved, proration invoiced now), never a side charge.</summary>
public sealed class StripeOwnerActionTests : IDisposable
{
    private readonly StripePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task ChangePlan_StripeUpgrade_MovesTheStripeItemWithProrationAndChargesNothingElse()
    {
        var world = await factory.SeedAsync();
        var vip = new Product { Name = "VIP", Slug = $"vip-{world.CustomerId}", Kind = ProductKind.Membership, Rank = 2, CreatedAt = factory.Clock.GetUtcNow() };
        var vipPrice = CatalogPrice.Create(vip.Id, PriceTerms.Monthly(new Money(4000, "USD")));
        await using (var db = await factory.DbAsync())
        {
            db.Products.Add(vip);
            db.Prices.Add(vipPrice);
            db.Entry(vipPrice).Property("StripePriceId").CurrentValue = "price_vip_" + world.CustomerId;
            await db.SaveChangesAsync();
        }
        var start = factory.Clock.GetUtcNow().AddDays(-3);
        var remote = StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", start, start.AddMonths(1));
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(StripeEvents.Envelope("evt_c_" + world.CustomerId, "customer.subscription.created", start, remote))).StatusCode);
        factory.StripeApi
            .Reply(HttpMethod.Get, $"/v1/subscriptions/{world.SubscriptionId}", remote)
            .Reply(HttpMethod.Post, $"/v1/subscriptions/{world.SubscriptionId}", remote);
        Guid subId;
        await using (var db = await factory.DbAsync())
            subId = (await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).Id;

        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new ChangePlan(world.MemberId, subId, vipPrice.Id));

        Assert.True(result.Succeeded, result.Message);
        var update = factory.StripeApi.Requests.Single(r => r.Method == "POST" && r.Path == $"/v1/subscriptions/{world.SubscriptionId}");
        Assert.Equal("si_" + world.SubscriptionId[4..], update.Form["items[0][id]"]);
        Assert.Equal("price_vip_" + world.CustomerId, update.Form["items[0][price]"]);
        Assert.Equal("always_invoice", update.Form["proration_behavior"]);
        Assert.DoesNotContain(factory.StripeApi.Requests, r => r.Path.StartsWith("/v1/payment_intents", StringComparison.Ordinal));
        await using var check = await factory.DbAsync();
        Assert.Equal(vipPrice.Id, Assert.Single((await check.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId)).Items).PriceId);
    }
}
