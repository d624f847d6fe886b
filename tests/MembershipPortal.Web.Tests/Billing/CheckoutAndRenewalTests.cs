using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Billing;

public sealed class CheckoutAndRenewalTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;
    private static readonly CardDetails Good = new(TestPaymentGateway.Succeeds, 12, 2030, "123");

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        catalog = await TestCatalog.CreateAsync(factory);
    }

    private async Task<(string MemberId, T Service)> MemberAsync<T>() where T : notnull
    {
        var user = await factory.CreateUserAsync($"m{Guid.NewGuid():N}@example.test", "a long member passphrase");
        var scope = factory.Services.CreateScope();
        return (user.Id, scope.ServiceProvider.GetRequiredService<T>());
    }

    private AppDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<(string MemberId, Guid SubscriptionId)> BuyAsync(Guid priceId, CardDetails? card = null, params Guid[] addOns)
    {
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var choice = new CheckoutChoice { PriceId = priceId, AddOnPriceIds = [.. addOns] };
        if (addOns.Length > 0)
            choice.Shipping = new AddressInput { Name = "Ada", Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" };
        var outcome = await checkout.CheckoutAsync(member, "m@example.test", choice, card ?? Good);
        Assert.True(outcome.Succeeded, outcome.Error);
        return (member, outcome.SubscriptionId!.Value);
    }

    [Fact]
    public async Task Checkout_ProPlusKitWith4242_CreatesActiveSubscriptionPaidInvoiceAndProfile()
    {
        var (member, subId) = await BuyAsync(catalog.ProMonthly, null, catalog.KitMonthly);

        await using var db = Db();
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        Assert.Equal(2, sub.Items.Count);
        var invoice = await db.Invoices.SingleAsync(i => i.SubscriptionId == subId);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(3100, invoice.TotalMinor);
        Assert.Equal("4242", (await db.BillingProfiles.SingleAsync(p => p.MemberId == member)).CardLast4);
        Assert.Equal("62701", (await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subId)).ShippingAddress!.PostalCode);
    }

    [Fact]
    public async Task Overview_AfterCheckout_ListsPlanRenewalCardAndInvoice()
    {
        var (member, subId) = await BuyAsync(catalog.ProMonthly, null, catalog.KitMonthly);
        using var scope = factory.Services.CreateScope();
        var overview = await scope.ServiceProvider.GetRequiredService<BillingService>().OverviewAsync(member);

        var sub = Assert.Single(overview.Subscriptions);
        Assert.Equal(subId, sub.Id);
        Assert.Equal(["Pro", "Craft Kit"], sub.Items.Select(i => i.ProductName));
        Assert.Equal(3100, sub.NextAmount.Minor);
        Assert.StartsWith("Visa ending 4242", overview.CardSummary);
        Assert.Single(overview.Invoices);
    }

    [Fact]
    public async Task BillingPage_AfterCheckout_RendersPlanAndInvoice()
    {
        var email = $"page{Guid.NewGuid():N}@example.test";
        var user = await factory.CreateUserAsync(email, "a long member passphrase");
        using (var scope = factory.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
                new CheckoutChoice { PriceId = catalog.ProMonthly }, Good);
            Assert.True(outcome.Succeeded, outcome.Error);
        }
        var client = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(client, email, "a long member passphrase");

        var response = await client.GetAsync("/account/billing?welcome=true");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, html[..Math.Min(html.Length, 3000)]);
        Assert.Contains("Renews on", html);
        Assert.Contains("Visa ending 4242", html);
    }

    [Theory]
    [InlineData(TestPaymentGateway.Declined, "Your card was declined.")]
    [InlineData(TestPaymentGateway.InsufficientFunds, "Your card has insufficient funds.")]
    [InlineData("4242424242424241", "Your card number is incorrect.")]
    public async Task Checkout_BadCard_ClearMessageAndNothingWritten(string number, string message)
    {
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var outcome = await checkout.CheckoutAsync(member, "m@example.test", new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(number, 12, 2030, "123"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(message, outcome.Error);
        await using var db = Db();
        Assert.False(await db.Subscriptions.AnyAsync(s => s.MemberId == member));
        Assert.False(await db.Invoices.AnyAsync(i => i.MemberId == member));
        Assert.False(await db.BillingProfiles.AnyAsync(p => p.MemberId == member));
    }

    [Fact]
    public async Task Checkout_ShippingAddOnWithoutAddress_RefusedAndNothingWritten()
    {
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var outcome = await checkout.CheckoutAsync(member, "m@example.test",
            new CheckoutChoice { PriceId = catalog.ProMonthly, AddOnPriceIds = [catalog.KitMonthly] }, Good);
        Assert.False(outcome.Succeeded);
        Assert.Contains("shipping address", outcome.Error);
        await using var db = Db();
        Assert.False(await db.Subscriptions.AnyAsync(s => s.MemberId == member));
    }

    [Fact]
    public async Task Checkout_ArchivedPrice_Refused()
    {
        await using (var db = Db())
        {
            var price = await db.Prices.SingleAsync(p => p.Id == catalog.VipMonthly);
            price.Archive(factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var outcome = await checkout.CheckoutAsync(member, "m@example.test", new CheckoutChoice { PriceId = catalog.VipMonthly }, Good);
        Assert.False(outcome.Succeeded);
        Assert.Null(await checkout.GetPageAsync(catalog.VipMonthly));
    }

    [Fact]
    public async Task Checkout_CouponCaseInsensitive_DiscountsAndRedeems()
    {
        await TestCatalog.AddCouponAsync(factory, Coupon.Create(CouponTerms.Percent("SAVE10", 10, CouponDuration.Forever)));
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var choice = new CheckoutChoice { PriceId = catalog.ProMonthly, CouponCode = " save10 " };
        var quote = await checkout.QuoteAsync(choice);
        Assert.Equal(1710, quote.Invoice.FirstCharge.Minor);

        var outcome = await checkout.CheckoutAsync(member, "m@example.test", choice, Good);
        Assert.True(outcome.Succeeded, outcome.Error);
        await using var db = Db();
        Assert.Equal(1, (await db.Coupons.SingleAsync()).TimesRedeemed);
        Assert.Equal(1710, (await db.Invoices.SingleAsync(i => i.MemberId == member)).TotalMinor);
    }

    [Fact]
    public async Task Checkout_SameAttemptTwice_ChargesOnce()
    {
        var (member, checkout) = await MemberAsync<CheckoutService>();
        var gateway = factory.Services.GetRequiredService<TestPaymentGateway>();
        var choice = new CheckoutChoice { PriceId = catalog.ProMonthly };
        var first = await gateway.ChargeAsync(new ChargeRequest("c", "tok_" + TestPaymentGateway.Succeeds, new(100, "USD"), "x", $"checkout:{member}:{choice.AttemptId}", false));
        var second = await gateway.ChargeAsync(new ChargeRequest("c", "tok_" + TestPaymentGateway.Succeeds, new(100, "USD"), "x", $"checkout:{member}:{choice.AttemptId}", false));
        Assert.Equal(first.PaymentId, second.PaymentId);
    }

    [Fact]
    public async Task Renewal_GoodCard_RenewsOnceEvenWhenRunTwice()
    {
        var (_, subId) = await BuyAsync(catalog.BasicMonthly);
        var run = factory.Services.GetRequiredService<RenewalRun>();
        factory.Clock.Advance(TimeSpan.FromDays(31));

        var report = await run.RunOnceAsync(factory.Clock.GetUtcNow());
        var again = await run.RunOnceAsync(factory.Clock.GetUtcNow());

        Assert.Equal(1, report.Renewed);
        Assert.Equal(0, again.Renewed);
        await using var db = Db();
        var sub = await db.Subscriptions.SingleAsync(s => s.Id == subId);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
        Assert.True(sub.CurrentPeriodEnd > factory.Clock.GetUtcNow());
        Assert.Equal(2, await db.Invoices.CountAsync(i => i.SubscriptionId == subId && i.Status == InvoiceStatus.Paid));
    }

    [Fact]
    public async Task Renewal_Card0341_FailsRetriesThenSuspendsAfterGrace()
    {
        var (member, subId) = await BuyAsync(catalog.BasicMonthly, new CardDetails(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123"));
        var run = factory.Services.GetRequiredService<RenewalRun>();

        factory.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, (await run.RunOnceAsync(factory.Clock.GetUtcNow())).Failed);
        await using (var db = Db())
        {
            var sub = await db.Subscriptions.SingleAsync(s => s.Id == subId);
            Assert.Equal(SubscriptionStatus.PastDue, sub.Status);
            Assert.NotNull(sub.FirstFailedPaymentAt);
        }

        for (var day = 0; day < 8; day++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(1));
            await run.RunOnceAsync(factory.Clock.GetUtcNow());
        }
        await using var after = Db();
        var suspended = await after.Subscriptions.SingleAsync(s => s.Id == subId);
        Assert.Equal(SubscriptionStatus.Unpaid, suspended.Status);
        Assert.Equal(5, suspended.FailedPaymentAttempts); // the renewal and four retries (days 1, 3, 5, 7)
        Assert.Equal(5, await after.Invoices.CountAsync(i => i.SubscriptionId == subId && i.Status == InvoiceStatus.Failed));
    }

    [Fact]
    public async Task UpdateCard_PastDue_RetriesAtOnceAndRecovers()
    {
        var (member, subId) = await BuyAsync(catalog.BasicMonthly, new CardDetails(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123"));
        factory.Clock.Advance(TimeSpan.FromDays(31));
        await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());

        using var scope = factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new UpdateCard(member, "m@example.test", Good));

        Assert.True(result.Succeeded, result.Message);
        await using var db = Db();
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync(s => s.Id == subId)).Status);
    }

    [Fact]
    public async Task Upgrade_MidPeriod_ChargesProrationAndSwitchesPlan()
    {
        var (member, subId) = await BuyAsync(catalog.BasicMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(15));
        using var scope = factory.Services.CreateScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();

        var preview = await billing.PreviewChangeAsync(member, subId, catalog.ProMonthly);
        Assert.NotNull(preview);
        Assert.True(preview.Immediate);
        Assert.InRange(preview.Proration.AmountDueNow.Minor, 400, 600); // about half of the $10 difference
        var result = await runner.RunAsync(new ChangePlan(member, subId, catalog.ProMonthly));

        Assert.True(result.Succeeded, result.Message);
        await using var db = Db();
        var sub = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId);
        Assert.Equal(catalog.ProMonthly, sub.Items.Single().PriceId);
        var charged = await db.Invoices.SingleAsync(i => i.SubscriptionId == subId && i.Reason == "subscription_update");
        Assert.Equal(preview.Proration.AmountDueNow.Minor, charged.TotalMinor);
    }

    [Fact]
    public async Task Receipts_NameTheCardThatPaidAndWhatWasBought_OneWelcomePerMember()
    {
        var (member, subId) = await BuyAsync(catalog.BasicMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(15));
        using (var scope = factory.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new ChangePlan(member, subId, catalog.ProMonthly));
            Assert.True(result.Succeeded, result.Message);
        }
        // A second subscription for the same member: a receipt, but no second welcome.
        using (var scope = factory.Services.CreateScope())
        {
            var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
            var second = await checkout.CheckoutAsync(member, "m@example.test", new CheckoutChoice { PriceId = catalog.BasicMonthly }, Good);
            Assert.True(second.Succeeded, second.Error);
        }

        await using var db = Db();
        var mails = await db.Outbox.Where(o => o.SubscriptionId != null).ToListAsync();
        var first = await db.Invoices.SingleAsync(i => i.SubscriptionId == subId && i.Reason == "subscription_create");
        var upgrade = await db.Invoices.SingleAsync(i => i.SubscriptionId == subId && i.Reason == "subscription_update");
        var firstReceipt = mails.Single(o => o.DedupKey == NoticeQueue.Keys.Receipt(first.Id)).TextBody;
        Assert.Contains("(card ending 4242)", firstReceipt); // the card saved in the same checkout
        var upgradeReceipt = mails.Single(o => o.DedupKey == NoticeQueue.Keys.Receipt(upgrade.Id)).TextBody;
        Assert.Contains("for Upgrade to", upgradeReceipt);
        Assert.DoesNotContain("for Basic", upgradeReceipt);
        Assert.Single(mails, o => o.Kind == "welcome");
        Assert.Equal(3, mails.Count(o => o.Kind == "receipt"));
    }

    [Fact]
    public async Task Downgrade_Default_AppliesAtPeriodEndWithoutCharge()
    {
        var (member, subId) = await BuyAsync(catalog.VipMonthly);
        using var scope = factory.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();

        var result = await runner.RunAsync(new ChangePlan(member, subId, catalog.BasicMonthly));
        Assert.True(result.Succeeded, result.Message);
        await using (var db = Db())
            Assert.Equal(catalog.VipMonthly, (await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId)).Items.Single().PriceId);

        factory.Clock.Advance(TimeSpan.FromDays(31));
        await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());
        await using var after = Db();
        var sub = await after.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId);
        Assert.Equal(catalog.BasicMonthly, sub.Items.Single().PriceId);
        Assert.Equal(900, (await after.Invoices.Where(i => i.SubscriptionId == subId).OrderByDescending(i => i.CreatedAt).FirstAsync()).TotalMinor);
    }

    [Fact]
    public async Task Downgrade_ImmediateWithCredit_RefundsTheUnusedPart_InvoiceSaysSo_MemberToldOnce()
    {
        await factory.Services.GetRequiredService<MembershipPortal.Web.Features.Shared.BillingSettings>()
            .SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.ImmediateWithCredit, MembershipPortal.Web.Features.Shared.SaveOffer.None);
        var (member, subId) = await BuyAsync(catalog.VipMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(10));
        using (var scope = factory.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new ChangePlan(member, subId, catalog.BasicMonthly));
            Assert.True(result.Succeeded, result.Message);
        }

        await using var db = Db();
        var refunds = await db.Payments.Where(p => p.MemberId == member && p.Outcome == PaymentOutcome.Refunded).ToListAsync();
        var refund = Assert.Single(refunds);
        var invoice = await db.Invoices.SingleAsync(i => i.Id == refund.InvoiceId);
        Assert.Equal((InvoiceStatus.PartiallyRefunded, -refund.AmountMinor), (invoice.Status, invoice.AmountRefundedMinor));
        var notice = Assert.Single(await db.Outbox.Where(o => o.MemberId == member && o.Kind == "refund-issued").ToListAsync());
        Assert.Contains($"We refunded {new MembershipPortal.Domain.Common.Money(-refund.AmountMinor, "USD").Display()} of invoice {invoice.Number}", notice.TextBody);
        Assert.Contains("This is the unused part of your previous plan. You are now on Basic", notice.TextBody);
    }

    [Fact]
    public async Task CancelThenResume_KeepsSubscriptionActive()
    {
        var (member, subId) = await BuyAsync(catalog.ProMonthly);
        using var scope = factory.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();

        Assert.False((await runner.RunAsync(new CancelSubscription(member, subId, "Because", null))).Succeeded);
        Assert.True((await runner.RunAsync(new CancelSubscription(member, subId, "Too expensive", "cheaper elsewhere"))).Succeeded);
        await using (var db = Db())
        {
            Assert.True((await db.Subscriptions.SingleAsync(s => s.Id == subId)).CancelAtPeriodEnd);
            Assert.Equal("cheaper elsewhere", (await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subId)).CancelFeedback);
        }
        Assert.True((await runner.RunAsync(new ResumeSubscription(member, subId))).Succeeded);
        await using var after = Db();
        var sub = await after.Subscriptions.SingleAsync(s => s.Id == subId);
        Assert.False(sub.CancelAtPeriodEnd);
        Assert.Equal(SubscriptionStatus.Active, sub.Status);
    }

    [Fact]
    public async Task Cancel_PeriodEnds_CanceledThenReactivateCharges()
    {
        var (member, subId) = await BuyAsync(catalog.ProMonthly);
        using var scope = factory.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();
        await runner.RunAsync(new CancelSubscription(member, subId, "Not using it enough", null));
        factory.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, (await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow())).Ended);

        var result = await runner.RunAsync(new ReactivateSubscription(member, subId));
        Assert.True(result.Succeeded, result.Message);
        await using var db = Db();
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync(s => s.Id == subId)).Status);
    }

    [Fact]
    public async Task Actions_OtherMembersSubscription_NotFound()
    {
        var (_, subId) = await BuyAsync(catalog.ProMonthly);
        var (intruder, runner) = await MemberAsync<UseCaseRunner>();
        var result = await runner.RunAsync(new CancelSubscription(intruder, subId, "Too expensive", null));
        Assert.False(result.Succeeded);
        Assert.Equal("Subscription not found.", result.Message);
    }

    [Fact]
    public async Task AddAddOn_MidPeriod_ChargesShareAndAddsItem()
    {
        var (member, subId) = await BuyAsync(catalog.ProMonthly);
        factory.Clock.Advance(TimeSpan.FromDays(10));
        using var scope = factory.Services.CreateScope();
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
        var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();
        var offered = await billing.AvailableAddOnsAsync(member, subId);
        Assert.Contains(offered, o => o.PriceId == catalog.KitMonthly);

        // The kit ships: a membership without a shipping address gets one from the address book before anything is charged.
        var refused = await runner.RunAsync(new AddAddOn(member, subId, catalog.KitMonthly));
        var (addressId, _) = await scope.ServiceProvider.GetRequiredService<AddressBook>().SaveAsync(member, null, "Home",
            new PostalAddress("Ada Member", "1 Kit Road", null, "Springfield", "IL", "62701", "US"));
        var result = await runner.RunAsync(new AddAddOn(member, subId, catalog.KitMonthly, addressId));

        Assert.False(refused.Succeeded);
        Assert.StartsWith("A shipping address is needed for physical items", refused.Message);
        Assert.True(result.Succeeded, result.Message);
        await using var db = Db();
        Assert.Equal(2, (await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subId)).Items.Count);
        Assert.Equal("1 Kit Road", (await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subId)).ShippingAddress?.Line1);
        Assert.Equal(2, await db.Invoices.CountAsync(i => i.SubscriptionId == subId)); // checkout and the kit's share: the refusal charged nothing
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }
}
