using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>
/// A Stripe account shared with other products: events that are not the portal's are acknowledged and logged, never
/// retried; what is the portal's but not ready yet answers 500 so Stripe retries; the Owner sees both on a webhook page.
/// </summary>
public sealed class StripeForeignEventTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private DateTimeOffset Start => Now.AddDays(-3);

    private sealed record LedgerCounts(int Subscriptions, int Records, int Invoices, int Payments, int Profiles, int Emails, int History);

    private async Task<LedgerCounts> CountsAsync()
    {
        await using var db = await factory.DbAsync();
        return new LedgerCounts(await db.Subscriptions.CountAsync(), await db.SubscriptionRecords.CountAsync(), await db.Invoices.CountAsync(),
            await db.Payments.CountAsync(), await db.BillingProfiles.CountAsync(), await db.Outbox.CountAsync(),
            await db.Subscriptions.SelectMany(s => s.History).CountAsync());
    }

    /// <summary>Fifty events about another product's customers, subscriptions, invoices and prices, built from Stripe's fixtures.</summary>
    private static List<(string Id, string Type, JsonObject Object)> ForeignEvents(StripeWorld ours, DateTimeOffset start)
    {
        var events = new List<(string, string, JsonObject)>();
        for (var i = 0; i < 10; i++)
        {
            var tag = $"{ours.CustomerId}_{i}";
            var subscriptionId = $"sub_other_{tag}";
            // Another product's subscription, on a price no catalog maps to, for a customer that is no member's.
            var subscription = StripeEvents.Subscription(subscriptionId, $"cus_other_{tag}", memberId: null, $"price_other_{i}", "active", start, start.AddMonths(1));
            events.Add(($"evt_fsc_{tag}", "customer.subscription.created", subscription));
            events.Add(($"evt_fsu_{tag}", i % 2 == 0 ? "customer.subscription.updated" : "customer.subscription.deleted",
                StripeEvents.Subscription(subscriptionId, $"cus_other_{tag}", null, $"price_other_{i}", i % 2 == 0 ? "past_due" : "canceled", start, start.AddMonths(1))));
            events.Add(($"evt_fin_{tag}", i % 2 == 0 ? "invoice.paid" : "invoice.payment_failed",
                StripeEvents.Invoice($"in_other_{tag}", subscriptionId, $"cus_other_{tag}", memberId: null, 3900, paid: i % 2 == 0, attemptCount: 1, start, start.AddMonths(1), start)));
            if (i < 5)
            {
                // Our member's own customer, billed by Stripe for the account's other product (no metadata, a foreign price).
                events.Add(($"evt_fmc_{tag}", "customer.subscription.updated",
                    StripeEvents.Subscription($"sub_mine_other_{tag}", ours.CustomerId, null, $"price_other_{i}", "active", start, start.AddMonths(1))));
                var invoice = StripeEvents.Invoice($"in_mine_other_{tag}", $"sub_mine_other_{tag}", ours.CustomerId, null, 1500, paid: true, attemptCount: 1, start, start.AddMonths(1), start);
                invoice["lines"]!["data"]![0]!["pricing"] = new JsonObject { ["type"] = "price_details", ["price_details"] = new JsonObject { ["price"] = $"price_other_{i}", ["product"] = "prod_other" } };
                events.Add(($"evt_fmi_{tag}", "invoice.paid", invoice));
            }
            else
            {
                var customer = StripeFixtures.Resource("customer");
                customer["id"] = $"cus_other_{tag}";
                events.Add(($"evt_fcu_{tag}", "customer.updated", customer));
                var price = StripeFixtures.Resource("price");
                price["id"] = $"price_other_{i}";
                events.Add(($"evt_fpr_{tag}", i % 2 == 0 ? "price.created" : "price.updated", price));
            }
        }
        return events;
    }

    [Fact]
    public async Task SharedAccount_FiftyForeignEvents_AcknowledgedLoggedAndTheLedgerUnchanged()
    {
        var ours = await factory.SeedAsync();
        await factory.PostEventAsync(StripeEvents.Envelope("evt_cs_" + ours.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + ours.CustomerId, ours.MemberId, ours.CustomerId, subscriptionId: null)));
        var before = await CountsAsync();
        var events = ForeignEvents(ours, Start);
        Assert.Equal(50, events.Count);

        foreach (var (id, type, data) in events)
        {
            var response = await factory.PostEventAsync(StripeEvents.Envelope(id, type, Start.AddHours(1), data));
            Assert.True(response.IsSuccessStatusCode, $"{type} {id} answered {(int)response.StatusCode}.");
        }

        Assert.Equal(before, await CountsAsync());
        await using var db = await factory.DbAsync();
        var ids = events.Select(e => e.Id).ToList();
        var logged = await db.WebhookEventLog.Where(e => ids.Contains(e.EventId)).ToListAsync();
        Assert.Equal(50, logged.Count);
        Assert.All(logged, e => Assert.Equal(WebhookLogOutcome.Ignored, e.Outcome));
        Assert.Contains("not this portal's", logged.Single(e => e.EventId == $"evt_fsc_{ours.CustomerId}_0").Reason);
        Assert.Contains("No handler for price.created", logged.Single(e => e.EventId == $"evt_fpr_{ours.CustomerId}_6").Reason);
    }

    [Fact]
    public async Task SubscriptionCreated_OurCheckoutOnAPriceNotSyncedYet_FailsAndIsLoggedUntilTheSync()
    {
        var w = await factory.SeedAsync(mapPrice: false);
        var created = StripeEvents.Envelope("evt_ns_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1)));

        Assert.Equal(HttpStatusCode.InternalServerError, (await factory.PostEventAsync(created)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await factory.PostEventAsync(created)).StatusCode);
        var failed = (await ReadLogAsync()).Single(r => r.EventId == "evt_ns_" + w.CustomerId);
        Assert.Equal(("failed", 2), (failed.Outcome, failed.Deliveries));
        Assert.Contains(w.StripePriceId, failed.Reason);

        await factory.MapPriceAsync(w);
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(created)).StatusCode);

        Assert.Equal("processed", (await ReadLogAsync()).Single(r => r.EventId == "evt_ns_" + w.CustomerId).Outcome);
        await using var db = await factory.DbAsync();
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync(s => s.MemberId == w.MemberId)).Status);
    }

    [Fact]
    public async Task InvoicePaid_BeforeItsSubscription_OursByCustomerAndPrice_RetriedNotIgnored()
    {
        var w = await factory.SeedAsync();
        await factory.PostEventAsync(StripeEvents.Envelope("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, subscriptionId: null)));
        var invoice = StripeEvents.Invoice("in_early_" + w.CustomerId, w.SubscriptionId, w.CustomerId, memberId: null, 2000, paid: true, attemptCount: 1, Start, Start.AddMonths(1), Start);
        invoice["lines"]!["data"]![0]!["pricing"] = new JsonObject { ["type"] = "price_details", ["price_details"] = new JsonObject { ["price"] = w.StripePriceId, ["product"] = "prod_x" } };

        var response = await factory.PostEventAsync(StripeEvents.Envelope("evt_early_" + w.CustomerId, "invoice.paid", Start, invoice));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("failed", (await ReadLogAsync()).Single(r => r.EventId == "evt_early_" + w.CustomerId).Outcome);
    }

    [Fact]
    public async Task SubscriptionCreated_PriceTheOwnerArchivedDuringCheckout_RecordsWhatStripeSold()
    {
        var w = await factory.SeedAsync();
        await using (var db = await factory.DbAsync())
        {
            (await db.Prices.SingleAsync(p => p.Id == w.PriceId)).Archive(Now.AddDays(-4));
            await db.SaveChangesAsync();
        }

        var response = await factory.PostEventAsync(StripeEvents.Envelope("evt_arch_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var check = await factory.DbAsync();
        var subscription = await check.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == w.MemberId);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(w.PriceId, Assert.Single(subscription.Items).PriceId);
    }

    [Fact]
    public async Task WebhookPage_Owner_SeesIgnoredAndFailedEvents_MemberAndStaffDenied()
    {
        var w = await factory.SeedAsync(mapPrice: false);
        await factory.PostEventAsync(StripeEvents.Envelope("evt_page_fail_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, "active", Start, Start.AddMonths(1))));
        await factory.PostEventAsync(StripeEvents.Envelope("evt_page_ign_" + w.CustomerId, "customer.subscription.created", Start,
            StripeEvents.Subscription("sub_page_other_" + w.CustomerId, "cus_page_other", null, "price_page_other", "active", Start, Start.AddMonths(1))));

        var owner = await factory.SignedInClientAsync($"owner-{w.CustomerId}@example.test", PortalRoles.Owner);
        var html = WebUtility.HtmlDecode(await owner.GetStringAsync("/admin/settings/webhooks"));
        Assert.Contains("evt_page_fail_" + w.CustomerId, html);
        Assert.Contains("evt_page_ign_" + w.CustomerId, html);
        Assert.Contains("href=\"/admin/settings/webhooks\"", await owner.GetStringAsync("/admin/settings"));
        Assert.Contains("no catalog price maps to yet", html);

        foreach (var role in new string?[] { null, PortalRoles.Staff })
        {
            var other = await factory.SignedInClientAsync($"{role ?? "member"}-{w.CustomerId}@example.test", role);
            var denied = await other.GetAsync("/admin/settings/webhooks");
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", denied.Headers.Location!.PathAndQuery);
        }
        var service = factory.Services.GetRequiredService<WebhookLogService>();
        Assert.Null(await service.RecentAsync(new AuditActor("staff-id", "Staff", PortalRoles.Staff)));
    }

    [Fact]
    public async Task WebhookLog_KeepsTheLastHundred()
    {
        var w = await factory.SeedAsync();
        for (var i = 0; i < 105; i++)
            await factory.PostEventAsync(StripeEvents.Envelope($"evt_many_{i}_{w.CustomerId}", "product.updated", Start, StripeFixtures.Resource("product")));

        var rows = await ReadLogAsync();
        Assert.Equal(100, rows.Count);
        Assert.Equal($"evt_many_104_{w.CustomerId}", rows[0].EventId);
        Assert.DoesNotContain(rows, r => r.EventId == $"evt_many_4_{w.CustomerId}");
    }

    private async Task<IReadOnlyList<WebhookLogRow>> ReadLogAsync() =>
        (await factory.Services.GetRequiredService<WebhookLogService>().RecentAsync(new AuditActor("owner-id", "Owner", PortalRoles.Owner)))!;
}
