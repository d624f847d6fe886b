using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>The delivery contract: signature, replay window, idempotency, transactions and status codes.</summary>
public sealed class StripeWebhookEndpointTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private string Created(StripeWorld w, string eventId, DateTimeOffset? at = null) =>
        StripeEvents.Envelope(eventId, "customer.subscription.created", at ?? Now,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Now.AddMinutes(-5), Now.AddMinutes(-5).AddMonths(1)));

    [Fact]
    public async Task Post_BadSignature_Returns400AndStoresNothing()
    {
        var world = await factory.SeedAsync();
        var payload = Created(world, "evt_badsig_" + world.CustomerId);

        var response = await factory.PostEventAsync(payload, secret: "whsec_someone_else");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync("evt_badsig_" + world.CustomerId, world);
    }

    [Fact]
    public async Task Post_TamperedBody_Returns400AndStoresNothing()
    {
        var world = await factory.SeedAsync();
        var payload = Created(world, "evt_tamper_" + world.CustomerId);
        var signature = StripeEvents.Signature(StripePortalFactory.WebhookSecret, payload, Now);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(payload.Replace("\"quantity\":1", "\"quantity\":9"), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);

        var response = await factory.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync("evt_tamper_" + world.CustomerId, world);
    }

    [Fact]
    public async Task Post_NoSignatureHeader_Returns400()
    {
        var response = await factory.Client.PostAsync("/webhooks/stripe", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(299, HttpStatusCode.OK)]
    [InlineData(301, HttpStatusCode.BadRequest)]
    public async Task Post_SignatureAge_AcceptedOnlyWithin300Seconds(int ageSeconds, HttpStatusCode expected)
    {
        var world = await factory.SeedAsync();
        var eventId = $"evt_age{ageSeconds}_{world.CustomerId}";

        var response = await factory.PostEventAsync(Created(world, eventId), signedAt: Now.AddSeconds(-ageSeconds));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
            await AssertNothingStoredAsync(eventId, world);
    }

    [Fact]
    public async Task Post_OtherApiVersion_Returns400()
    {
        var world = await factory.SeedAsync();
        var payload = StripeEvents.Envelope("evt_oldapi_" + world.CustomerId, "customer.subscription.created", Now,
            StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", Now, Now.AddMonths(1)),
            apiVersion: "2024-06-20");

        var response = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync("evt_oldapi_" + world.CustomerId, world);
    }

    [Theory]
    [InlineData("""{"id":"evt_noobject","object":"event","api_version":"2026-10-28.endive","created":1,"type":"invoice.paid","data":{}}""")]
    [InlineData("""{"id":"evt_notevent","object":"invoice","api_version":"2026-10-28.endive","created":1,"type":"invoice.paid","data":{"object":{}}}""")]
    [InlineData("""{"id":"","object":"event","api_version":"2026-10-28.endive","created":1,"type":"invoice.paid","data":{"object":{}}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"id":"evt_badjson","object":"event",""")]
    public async Task Post_SignedButNotAnEvent_Returns400AndStoresNothing(string payload)
    {
        var response = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await factory.DbAsync();
        Assert.False(await db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == "evt_noobject" || e.EventId == "evt_notevent" || e.EventId == "evt_badjson"));
    }

    [Fact]
    public async Task Post_BodyOverOneMegabyte_Returns413()
    {
        var payload = "{\"padding\":\"" + new string('x', 1024 * 1024) + "\"}";
        var response = await factory.PostEventAsync(payload);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_SameEventTwice_AppliesOnce()
    {
        var world = await factory.SeedAsync();
        var payload = Created(world, "evt_twice_" + world.CustomerId);

        var first = await factory.PostEventAsync(payload);
        int historyAfterFirst;
        await using (var db = await factory.DbAsync())
            historyAfterFirst = (await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId)).History.Count;
        var second = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await using var check = await factory.DbAsync();
        var subscription = await check.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId);
        Assert.Equal(historyAfterFirst, subscription.History.Count);
        Assert.Equal(1, await check.SubscriptionRecords.CountAsync(r => r.GatewaySubscriptionId == world.SubscriptionId));
        Assert.Equal(1, await check.ProcessedWebhookEvents.CountAsync(e => e.EventId == "evt_twice_" + world.CustomerId));
    }

    [Fact]
    public async Task Post_UnknownEventType_Returns200AndRecordsIt()
    {
        var eventId = "evt_unknown_" + Guid.NewGuid().ToString("N")[..12];
        var payload = StripeEvents.Envelope(eventId, "radar.early_fraud_warning.created", Now, new JsonObject { ["id"] = "issfr_1", ["object"] = "radar.early_fraud_warning" });

        var response = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await factory.DbAsync();
        var recorded = await db.ProcessedWebhookEvents.SingleAsync(e => e.EventId == eventId);
        Assert.Equal("radar.early_fraud_warning.created", recorded.Type);
    }

    [Fact]
    public async Task Post_HandlerFailsOnUnmappedPrice_Returns500AndWritesNothing()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var eventId = "evt_unmapped_" + world.CustomerId;

        var response = await factory.PostEventAsync(Created(world, eventId));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await AssertNothingStoredAsync(eventId, world);
    }

    [Fact]
    public async Task Post_RedeliveryAfterFailure_AppliesOnceFixed()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        var payload = Created(world, "evt_retry_" + world.CustomerId);
        Assert.Equal(HttpStatusCode.InternalServerError, (await factory.PostEventAsync(payload)).StatusCode);

        await factory.MapPriceAsync(world);
        var retry = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await using var db = await factory.DbAsync();
        var subscription = await db.Subscriptions.SingleAsync(s => s.MemberId == world.MemberId);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
    }

    [Fact]
    public async Task Post_HandlerFailsAfterSavingAWrite_RollsBackEverything()
    {
        var marker = "m" + Guid.NewGuid().ToString("N")[..12];
        var eventId = "evt_" + marker;
        var payload = StripeEvents.Envelope(eventId, StripePortalFactory.FailingHandler.EventType, Now, new JsonObject { ["id"] = marker, ["object"] = "test" });

        var response = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await using var db = await factory.DbAsync();
        Assert.False(await db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == eventId));
        Assert.False(await db.BillingProfiles.AnyAsync(p => p.MemberId == marker));
    }

    private async Task AssertNothingStoredAsync(string eventId, StripeWorld world)
    {
        await using var db = await factory.DbAsync();
        Assert.False(await db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == eventId));
        Assert.False(await db.SubscriptionRecords.AnyAsync(r => r.GatewaySubscriptionId == world.SubscriptionId));
        Assert.False(await db.Subscriptions.AnyAsync(s => s.MemberId == world.MemberId));
    }
}

/// <summary>With the test provider and no signing secret the endpoint does not exist.</summary>
public sealed class StripeWebhookDisabledTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Post_NoWebhookSecretConfigured_Returns404()
    {
        var payload = StripeEvents.Envelope("evt_disabled", "customer.subscription.created", factory.Clock.GetUtcNow(), new JsonObject());
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.Signature("whsec_test", payload, factory.Clock.GetUtcNow()));

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
