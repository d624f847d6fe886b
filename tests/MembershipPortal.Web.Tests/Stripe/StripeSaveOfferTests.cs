using System.Net;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// The cancel dialog's offers with Stripe billing: the discount is a repeating coupon on the Stripe subscription, and the
/// pause is pause_collection, which the ledger shows as paused once Stripe's event arrives.
/// </summary>
public sealed class StripeSaveOfferTests : IDisposable
{
    private readonly StripePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<(StripeWorld World, Guid SubscriptionId)> SubscribedAsync()
    {
        var world = await factory.SeedAsync();
        var start = factory.Clock.GetUtcNow().AddDays(-3);
        var created = StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", start, start.AddMonths(1));
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(StripeEvents.Envelope("evt_c_" + world.CustomerId, "customer.subscription.created", start, created))).StatusCode);
        await using var db = await factory.DbAsync();
        return (world, (await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).Id);
    }

    [Fact]
    public async Task AcceptSaveDiscount_Stripe_RepeatingCouponPutOnTheStripeSubscription()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.Discount, 30, 3);
        var (world, subId) = await SubscribedAsync();
        factory.StripeApi
            .Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, $"/v1/subscriptions/{world.SubscriptionId}", StripeFixtures.Resource("subscription"));

        await using var scope = factory.Services.CreateAsyncScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();
        var result = await runner.RunAsync(new AcceptSaveDiscount(world.MemberId, subId));

        Assert.True(result.Succeeded, result.Message);
        var coupon = factory.StripeApi.Requests.Single(r => r.Path == "/v1/coupons");
        Assert.Equal("mp_save_30pct_3m", coupon.Form["id"]);
        Assert.Equal(("30", "repeating", "3"), (coupon.Form["percent_off"], coupon.Form["duration"], coupon.Form["duration_in_months"]));
        var update = factory.StripeApi.Requests.Single(r => r.Path == $"/v1/subscriptions/{world.SubscriptionId}");
        Assert.Equal("mp_save_30pct_3m", update.Form["discounts[0][coupon]"]);
        Assert.Equal($"save-discount:{subId:N}", update.IdempotencyKey);
        // The next charge shown agrees with the invoice Stripe will send.
        Assert.Equal(1400, Assert.Single((await billing.OverviewAsync(world.MemberId)).Subscriptions).NextAmount.Minor);
    }

    [Fact]
    public async Task AcceptSaveDiscount_StripeRefuses_NothingRecorded()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.Discount, 30, 3);
        var (world, subId) = await SubscribedAsync();
        factory.StripeApi.Reply(HttpMethod.Post, "/v1/coupons", StripeFixtures.Resource("coupon"))
            .Reply(HttpMethod.Post, $"/v1/subscriptions/{world.SubscriptionId}",
                StubStripeApi.Error("invalid_request_error", "resource_missing", "No such subscription"), HttpStatusCode.NotFound);

        await using var scope = factory.Services.CreateAsyncScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();
        var result = await runner.RunAsync(new AcceptSaveDiscount(world.MemberId, subId));

        Assert.False(result.Succeeded);
        Assert.Contains("nothing changed", result.Message);
        Assert.Equal(2000, Assert.Single((await billing.OverviewAsync(world.MemberId)).Subscriptions).NextAmount.Minor);
    }

    [Fact]
    public async Task Pause_Stripe_PauseCollectionSentAndLedgerPausedAfterTheEvent()
    {
        await factory.Services.GetRequiredService<BillingSettings>().SetPlanChangesAsync(DowngradeTiming.AtPeriodEnd, SaveOffer.PauseAndDiscount, 20, 3);
        var (world, subId) = await SubscribedAsync();
        await using (var db = await factory.DbAsync())
        {
            (await db.Products.SingleAsync(p => p.Id == world.ProductId)).AllowPause = true;
            await db.SaveChangesAsync();
        }
        factory.StripeApi.Reply(HttpMethod.Post, $"/v1/subscriptions/{world.SubscriptionId}", StripeFixtures.Resource("subscription"));

        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new PauseSubscription(world.MemberId, subId, 2));

        Assert.True(result.Succeeded, result.Message);
        var update = factory.StripeApi.Requests.Single(r => r.Path == $"/v1/subscriptions/{world.SubscriptionId}");
        Assert.Equal("void", update.Form["pause_collection[behavior]"]);
        Assert.True(update.Form.ContainsKey("pause_collection[resumes_at]"));

        // Stripe's own event then says the same: active with collection paused is paused in the ledger.
        var start = factory.Clock.GetUtcNow().AddDays(-3);
        var paused = StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", start, start.AddMonths(1));
        paused["pause_collection"] = new System.Text.Json.Nodes.JsonObject { ["behavior"] = "void", ["resumes_at"] = start.AddMonths(3).ToUnixTimeSeconds() };
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(StripeEvents.Envelope("evt_p_" + world.CustomerId, "customer.subscription.updated",
            factory.Clock.GetUtcNow(), paused))).StatusCode);
        await using var check = await factory.DbAsync();
        Assert.Equal(SubscriptionStatus.Paused, (await check.Subscriptions.SingleAsync(s => s.Id == subId)).Status);
    }
}
