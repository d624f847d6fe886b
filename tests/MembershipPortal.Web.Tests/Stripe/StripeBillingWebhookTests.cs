using System.Net;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>What the handlers do to the ledger: subscriptions, invoices, payments and billing profiles.</summary>
public sealed class StripeBillingWebhookTests(StripePortalFactory factory) : IClassFixture<StripePortalFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private DateTimeOffset Start => Now.AddDays(-3);

    private JsonObject Sub(StripeWorld w, string status = "active", int quantity = 1, bool cancelAtPeriodEnd = false, DateTimeOffset? periodEnd = null) =>
        StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, w.MemberId, w.StripePriceId, status, Start, periodEnd ?? Start.AddMonths(1),
            quantity, cancelAtPeriodEnd);

    private async Task SendAsync(string eventId, string type, DateTimeOffset created, JsonObject data)
    {
        var response = await factory.PostEventAsync(StripeEvents.Envelope(eventId, type, created, data));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<Subscription> LoadAsync(StripeWorld w)
    {
        await using var db = await factory.DbAsync();
        return await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.MemberId == w.MemberId);
    }

    [Fact]
    public async Task SubscriptionCreated_NewStripeSubscription_StartsLocalOneOnTheMappedPrice()
    {
        var w = await factory.SeedAsync();

        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));

        var subscription = await LoadAsync(w);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(w.PriceId, Assert.Single(subscription.Items).PriceId);
        Assert.Equal(Start.AddMonths(1), subscription.CurrentPeriodEnd);
        await using var db = await factory.DbAsync();
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subscription.Id);
        Assert.Equal(w.SubscriptionId, record.GatewaySubscriptionId);
        Assert.Equal("Stripe", record.Gateway);
        Assert.Equal(Start, record.LastGatewayEventAt);
    }

    [Fact]
    public async Task SubscriptionCreated_WithOurCouponInMetadata_LocalItemsCarryTheDiscountAndTheCouponCountsAUse()
    {
        var w = await factory.SeedAsync();
        var code = "HALF" + w.CustomerId[^6..].ToUpperInvariant();
        await using (var db = await factory.DbAsync())
        {
            var coupon = MembershipPortal.Domain.Catalog.Coupon.Create(
                MembershipPortal.Domain.Catalog.CouponTerms.Percent(code, 50, MembershipPortal.Domain.Catalog.CouponDuration.Forever));
            db.Coupons.Add(coupon);
            db.Entry(coupon).Property("NormalizedCode").CurrentValue = coupon.Code;
            await db.SaveChangesAsync();
        }
        var sub = Sub(w);
        sub["metadata"]!["coupon_code"] = code;

        await SendAsync("evt_cc_" + w.CustomerId, "customer.subscription.created", Start, sub);

        var subscription = await LoadAsync(w);
        Assert.Equal(code, Assert.Single(subscription.Items).Coupon?.Code);
        Assert.Equal(1000, subscription.MonthlyRecurringMinor());
        await using var check = await factory.DbAsync();
        Assert.Equal(1, (await check.Coupons.SingleAsync(c => EF.Property<string>(c, "NormalizedCode") == code)).TimesRedeemed);
    }

    // Stripe does not guarantee order: the newest state must win whichever event arrives first.
    [Fact]
    public async Task SubscriptionUpdated_DeliveredBeforeCreated_EndsInTheUpdatedState()
    {
        var w = await factory.SeedAsync();
        var created = StripeEvents.Envelope("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var updated = StripeEvents.Envelope("evt_u_" + w.CustomerId, "customer.subscription.updated", Start.AddMinutes(10),
            Sub(w, quantity: 2, cancelAtPeriodEnd: true));

        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(updated)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(created)).StatusCode);

        var subscription = await LoadAsync(w);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(2, Assert.Single(subscription.Items).Quantity);
        Assert.True(subscription.CancelAtPeriodEnd);
        // Started from the newest snapshot (quantity 2 already); the older created event then changed nothing.
        Assert.Equal([SubscriptionChangeKind.Created, SubscriptionChangeKind.CancelScheduled], subscription.History.Select(h => h.Kind));
        await using var db = await factory.DbAsync();
        Assert.Equal(Start.AddMinutes(10), (await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subscription.Id)).LastGatewayEventAt);
    }

    [Fact]
    public async Task SubscriptionUpdated_CancelAtPeriodEndWithdrawn_UndoesTheCancellation()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        await SendAsync("evt_u1_" + w.CustomerId, "customer.subscription.updated", Start.AddHours(1), Sub(w, cancelAtPeriodEnd: true));
        await SendAsync("evt_u2_" + w.CustomerId, "customer.subscription.updated", Start.AddHours(2), Sub(w, cancelAtPeriodEnd: false));

        var subscription = await LoadAsync(w);
        Assert.False(subscription.CancelAtPeriodEnd);
        Assert.Equal(SubscriptionChangeKind.CancelUndone, subscription.History[^1].Kind);
    }

    [Fact]
    public async Task SubscriptionDeleted_ActiveSubscription_IsCanceledNow()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));

        await SendAsync("evt_d_" + w.CustomerId, "customer.subscription.deleted", Now, Sub(w, status: "canceled"));

        var subscription = await LoadAsync(w);
        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
        Assert.Equal(Now, subscription.CanceledAt);
    }

    [Fact]
    public async Task SubscriptionUpdated_RenewedPeriod_MovesPaidThrough()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));

        await SendAsync("evt_u_" + w.CustomerId, "customer.subscription.updated", Now, Sub(w, periodEnd: Start.AddMonths(2)));

        var subscription = await LoadAsync(w);
        Assert.Equal(Start.AddMonths(2), subscription.CurrentPeriodEnd);
        Assert.Equal(SubscriptionChangeKind.Renewed, subscription.History[^1].Kind);
    }

    [Fact]
    public async Task SubscriptionCreated_CustomerOfNoMember_IsAcknowledgedAndIgnored()
    {
        var w = await factory.SeedAsync();
        var foreign = StripeEvents.Subscription(w.SubscriptionId, "cus_elsewhere", memberId: null, w.StripePriceId, "active", Start, Start.AddMonths(1));

        await SendAsync("evt_foreign_" + w.CustomerId, "customer.subscription.created", Start, foreign);

        await using var db = await factory.DbAsync();
        Assert.False(await db.SubscriptionRecords.AnyAsync(r => r.GatewaySubscriptionId == w.SubscriptionId));
    }

    [Fact]
    public async Task InvoicePaymentFailed_ActiveSubscription_BecomesPastDueWithGraceStart()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var invoiceId = "in_" + w.CustomerId;

        await SendAsync("evt_f_" + w.CustomerId, "invoice.payment_failed", Now,
            StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: false, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), Now));

        var subscription = await LoadAsync(w);
        Assert.Equal(SubscriptionStatus.PastDue, subscription.Status);
        Assert.Equal(Now, subscription.FirstFailedPaymentAt);
        Assert.Equal(1, subscription.FailedPaymentAttempts);
        await using var db = await factory.DbAsync();
        var invoice = await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId);
        Assert.Equal(InvoiceStatus.Failed, invoice.Status);
        Assert.Equal(subscription.Id, invoice.SubscriptionId);
        Assert.Equal(w.MemberId, invoice.MemberId);
        Assert.Equal(2000, invoice.TotalMinor);
        Assert.Equal("USD", invoice.Currency);
        Assert.Equal(1, invoice.AttemptCount);
        var payment = await db.Payments.SingleAsync(p => p.InvoiceId == invoice.Id);
        Assert.Equal(PaymentOutcome.Failed, payment.Outcome);
        Assert.Equal(2000, payment.AmountMinor);
    }

    [Fact]
    public async Task InvoicePaid_AfterAFailure_ReturnsToActivePaidThroughTheInvoicedPeriod()
    {
        var w = await factory.SeedAsync();
        var invoiceId = "in_" + w.CustomerId;
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        await SendAsync("evt_f_" + w.CustomerId, "invoice.payment_failed", Now.AddMinutes(-30),
            StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: false, attemptCount: 1, Start.AddMonths(1), Start.AddMonths(2), Now.AddMinutes(-30)));

        await SendAsync("evt_p_" + w.CustomerId, "invoice.paid", Now,
            StripeEvents.Invoice(invoiceId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 2, Start.AddMonths(1), Start.AddMonths(2), Now));

        var subscription = await LoadAsync(w);
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Null(subscription.FirstFailedPaymentAt);
        Assert.Equal(Start.AddMonths(2), subscription.CurrentPeriodEnd);
        await using var db = await factory.DbAsync();
        var invoice = await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == invoiceId);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(2000, invoice.AmountPaidMinor);
        Assert.Equal(2, invoice.AttemptCount);
        Assert.Equal(
            [PaymentOutcome.Failed, PaymentOutcome.Succeeded],
            await db.Payments.Where(p => p.InvoiceId == invoice.Id).OrderBy(p => p.At).Select(p => p.Outcome).ToListAsync());
    }

    [Fact]
    public async Task InvoicePaid_WithExpandedCustomerAndSubscription_ReadsTheirIds()
    {
        // Stripe sends references as ids, or as whole objects when an endpoint asks for them expanded.
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var invoice = StripeEvents.Invoice("in_x_" + w.CustomerId, w.SubscriptionId, w.CustomerId, memberId: null, 2000, paid: true, attemptCount: 1,
            Start.AddMonths(1), Start.AddMonths(2), Now);
        invoice["customer"] = new JsonObject { ["id"] = w.CustomerId, ["object"] = "customer", ["metadata"] = new JsonObject { ["id"] = "not this one" } };
        invoice["parent"]!["subscription_details"]!["subscription"] = Sub(w);

        await SendAsync("evt_x_" + w.CustomerId, "invoice.paid", Now, invoice);

        await using var db = await factory.DbAsync();
        var saved = await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == "in_x_" + w.CustomerId);
        Assert.Equal(w.MemberId, saved.MemberId);
        Assert.Equal((await LoadAsync(w)).Id, saved.SubscriptionId);
        Assert.Equal(Start.AddMonths(2), (await LoadAsync(w)).CurrentPeriodEnd);
    }

    [Fact]
    public async Task InvoicePaid_SubscriptionNotRecordedYet_FailsUntilItIs()
    {
        var w = await factory.SeedAsync();
        var paid = StripeEvents.Envelope("evt_early_" + w.CustomerId, "invoice.paid", Start,
            StripeEvents.Invoice("in_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: true, attemptCount: 1, Start, Start.AddMonths(1), Start));

        Assert.Equal(HttpStatusCode.InternalServerError, (await factory.PostEventAsync(paid)).StatusCode);
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(paid)).StatusCode);

        await using var db = await factory.DbAsync();
        Assert.Equal(InvoiceStatus.Paid, (await db.Invoices.SingleAsync(i => i.GatewayInvoiceId == "in_" + w.CustomerId)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await LoadAsync(w)).Status);
    }

    [Fact]
    public async Task CheckoutSessionCompleted_LinksMemberToCustomerAndKeepsTheShippingAddress()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var address = new JsonObject
        {
            ["city"] = "Dublin",
            ["country"] = "ie",
            ["line1"] = "1 Main Street",
            ["line2"] = null,
            ["postal_code"] = "D02 X285",
            ["state"] = null,
        };

        await SendAsync("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, w.SubscriptionId, address));

        await using var db = await factory.DbAsync();
        var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal(w.CustomerId, profile.CustomerId);
        Assert.Equal("Stripe", profile.Gateway);
        var record = await db.SubscriptionRecords.SingleAsync(r => r.GatewaySubscriptionId == w.SubscriptionId);
        Assert.Equal("1 Main Street", record.ShippingAddress?.Line1);
        Assert.Equal("IE", record.ShippingAddress?.Country);
    }

    [Fact]
    public async Task SubscriptionCreated_NoMetadataButLinkedCustomer_FindsTheMemberThroughTheBillingProfile()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, subscriptionId: null));
        var withoutMetadata = StripeEvents.Subscription(w.SubscriptionId, w.CustomerId, memberId: null, w.StripePriceId, "active", Start, Start.AddMonths(1));

        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, withoutMetadata);

        Assert.Equal(SubscriptionStatus.Active, (await LoadAsync(w)).Status);
    }

    /// <summary>A member linked to a Stripe customer by checkout, and that customer's object as Stripe sends it.</summary>
    private async Task<(StripeWorld World, JsonObject Customer)> LinkedCustomerAsync()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_cs_" + w.CustomerId, "checkout.session.completed", Start,
            StripeEvents.CheckoutSession("cs_" + w.CustomerId, w.MemberId, w.CustomerId, subscriptionId: null));
        var customer = StripeFixtures.Resource("customer");
        customer["id"] = w.CustomerId;
        return (w, customer);
    }

    [Fact]
    public async Task CustomerUpdated_WithExpandedDefaultPaymentMethod_RefreshesTheCardShownToTheMember()
    {
        var (w, customer) = await LinkedCustomerAsync();
        customer["email"] = "someone-else@example.test";
        customer["invoice_settings"]!["default_payment_method"] = new JsonObject
        {
            ["id"] = "pm_" + w.CustomerId,
            ["object"] = "payment_method",
            ["type"] = "card",
            ["card"] = new JsonObject { ["brand"] = "visa", ["display_brand"] = "visa", ["last4"] = "1881", ["exp_month"] = 4, ["exp_year"] = 2030 },
        };

        await SendAsync("evt_cu_" + w.CustomerId, "customer.updated", Now, customer);

        await using var db = await factory.DbAsync();
        var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal(("visa", "1881", 4, 2030), (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear));
        // The portal's login email is never taken from Stripe.
        Assert.NotEqual("someone-else@example.test", (await db.Users.SingleAsync(u => u.Id == w.MemberId)).Email);
    }

    [Fact]
    public async Task CustomerUpdated_WithLegacyDefaultCardSource_RefreshesTheCard_AndAnUnknownCustomerChangesNothing()
    {
        var (w, customer) = await LinkedCustomerAsync();
        customer["default_source"] = new JsonObject
        {
            ["id"] = "card_" + w.CustomerId,
            ["object"] = "card",
            ["brand"] = "MasterCard",
            ["last4"] = "4444",
            ["exp_month"] = 12,
            ["exp_year"] = 2029,
        };
        var stranger = customer.DeepClone().AsObject();
        stranger["id"] = "cus_nobody_" + w.CustomerId;

        await SendAsync("evt_cu_" + w.CustomerId, "customer.updated", Now, customer);
        await SendAsync("evt_cx_" + w.CustomerId, "customer.updated", Now, stranger);

        await using var db = await factory.DbAsync();
        var profile = await db.BillingProfiles.SingleAsync(p => p.MemberId == w.MemberId);
        Assert.Equal(("MasterCard", "4444", 12, 2029), (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear));
        Assert.False(await db.BillingProfiles.AnyAsync(p => p.CustomerId == "cus_nobody_" + w.CustomerId));
    }

    [Fact]
    public async Task InvoiceUpcoming_IsAcknowledgedWithoutChanges()
    {
        var w = await factory.SeedAsync();
        await SendAsync("evt_c_" + w.CustomerId, "customer.subscription.created", Start, Sub(w));
        var before = (await LoadAsync(w)).History.Count;

        await SendAsync("evt_up_" + w.CustomerId, "invoice.upcoming", Now,
            StripeEvents.Invoice("in_up_" + w.CustomerId, w.SubscriptionId, w.CustomerId, w.MemberId, 2000, paid: false, attemptCount: 0, Start.AddMonths(1), Start.AddMonths(2), Now));

        Assert.Equal(before, (await LoadAsync(w)).History.Count);
        await using var db = await factory.DbAsync();
        Assert.False(await db.Invoices.AnyAsync(i => i.GatewayInvoiceId == "in_up_" + w.CustomerId));
    }
}
