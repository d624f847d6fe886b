using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Payments.Stripe.Import;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Billing.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StripeSdk = Stripe;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// Moving in: a Stripe account with a year of history (3 products, 4 prices, 200 customers, subscriptions in every
/// status, two coupons, monthly and yearly invoices) is adopted through the importer against the stateful fake, and the
/// portal then holds the same members, subscriptions, ledger and month-by-month MRR as the fake.
/// </summary>
public sealed class StripeImportTests : IDisposable
{
    private const int Customers = 200;
    private const int Days = 365;
    private readonly StripeFakePortalFactory factory = new();

    public StripeImportTests() => factory.WithSetting("Payments:Stripe:Import:RequestsPerSecond", "0");

    public void Dispose() => factory.Dispose();

    private StripeImporter Importer => factory.Services.GetRequiredService<StripeImporter>();

    private sealed record Account(List<string> PriceIds, DateTimeOffset Started);

    /// <summary>
    /// Builds the account day by day on the fake's clock, as Stripe would have: customers subscribe over the first five
    /// months, renewals run daily, and each tenth of the customers follows one story (trial, past due, canceled at the
    /// period end, canceled at once, plan change, unpaid, collection paused, incomplete, incomplete and expired, plain).
    /// </summary>
    private async Task<Account> SeedAccountAsync()
    {
        var started = factory.Clock.GetUtcNow();
        var stripe = factory.Fake.DashboardClient();
        var basic = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Basic" });
        var pro = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Pro" });
        var box = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Craft box" });
        async Task<string> PriceAsync(string product, long amount, string interval) => (await stripe.V1.Prices.CreateAsync(new StripeSdk.PriceCreateOptions
        { Product = product, UnitAmount = amount, Currency = "usd", Recurring = new StripeSdk.PriceRecurringOptions { Interval = interval } })).Id;
        List<string> prices = [await PriceAsync(basic.Id, 1000, "month"), await PriceAsync(pro.Id, 2500, "month"), await PriceAsync(pro.Id, 25000, "year"), await PriceAsync(box.Id, 4000, "month")];
        var percent = await stripe.V1.Coupons.CreateAsync(new StripeSdk.CouponCreateOptions { PercentOff = 20, Duration = "forever", Name = "FRIENDS20" });
        var amount = await stripe.V1.Coupons.CreateAsync(new StripeSdk.CouponCreateOptions { AmountOff = 500, Currency = "usd", Duration = "repeating", DurationInMonths = 3, Name = "WELCOME5" });

        var startDay = new int[Customers];
        for (var i = 0; i < Customers; i++)
        {
            startDay[i] = (i % 10) switch { 0 when i % 20 == 0 => 300, 0 => 345 + i % 15, _ => i * 7 % 150 };
            // The fake adds a month to the last period end (Jan 30 → Feb 28 → Mar 28) where Stripe keeps to the anchor day: starts
            // on days 1–28 make the two agree.
            while (started.AddDays(startDay[i]).Day > 28)
                startDay[i]++;
        }
        var customers = new string[Customers];
        var subs = new string[Customers];
        for (var day = 0; day < Days; day++)
        {
            for (var i = 0; i < Customers; i++)
            {
                var story = i % 10;
                if (startDay[i] == day)
                {
                    var customer = await stripe.V1.Customers.CreateAsync(new StripeSdk.CustomerCreateOptions { Email = $"adopted{i}@example.test", Name = $"Adopted Member{i}" });
                    customers[i] = customer.Id;
                    factory.Fake.AddCard(customer.Id);
                    if (story is 7 or 8)
                        factory.Fake.SetCardDeclines(customer.Id, true);
                    var options = new StripeSdk.SubscriptionCreateOptions
                    {
                        Customer = customer.Id,
                        Items = [new() { Price = prices[i % 4], Quantity = i % 4 == 3 ? 1 + i % 3 : 1 }],
                        TrialPeriodDays = story == 0 ? (i % 20 == 0 ? 20 : 30) : null,
                    };
                    if (i % 9 is 0 or 4)
                        options.Discounts = [new() { Coupon = i % 9 == 0 ? percent.Id : amount.Id }];
                    subs[i] = (await stripe.V1.Subscriptions.CreateAsync(options)).Id;
                    continue;
                }
                if (subs[i] is not { } sub)
                    continue;
                switch (story)
                {
                    case 0 when i % 20 == 0 && day == 319:
                        factory.Fake.SetStatus(sub, "paused");
                        break;
                    case 1 when day == 300:
                    case 5 when day == 330:
                        factory.Fake.SetCardDeclines(customers[i], true);
                        break;
                    case 5 when day == Days - 1:
                        factory.Fake.SetStatus(sub, "unpaid");
                        break;
                    case 2 when day == 200:
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions { CancelAtPeriodEnd = true });
                        break;
                    case 3 when day == 250:
                        await stripe.V1.Subscriptions.CancelAsync(sub);
                        break;
                    case 4 when day == 180 && i % 4 != 2:
                        var item = (await stripe.V1.Subscriptions.GetAsync(sub)).Items.Data[0];
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions
                        {
                            Items = [i % 4 == 3 ? new() { Id = item.Id, Quantity = item.Quantity + 1 } : new() { Id = item.Id, Price = prices[i % 4 == 0 ? 1 : 0] }],
                        });
                        break;
                    case 6 when day == Days - 1:
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions
                        { PauseCollection = new() { Behavior = "void", ResumesAt = factory.Clock.GetUtcNow().AddDays(30).UtcDateTime } });
                        break;
                    case 8 when day == startDay[i] + 1:
                        factory.Fake.SetStatus(sub, "incomplete_expired");
                        break;
                }
            }
            factory.Clock.Advance(TimeSpan.FromDays(1));
            factory.Fake.AdvanceBilling();
        }
        return new Account(prices, started);
    }

    private async Task MapEveryPriceAsync()
    {
        // First run: reads everything, proposes nothing (the catalog is empty) and imports nothing.
        var first = await Importer.RunAsync();
        Assert.Equal(StripeImportOutcome.NeedsMapping, first.Outcome);
        Assert.Equal(4, first.UndecidedPrices.Count);
        foreach (var mapping in await Importer.MappingsAsync())
            Assert.Null(await Importer.CreatePlanAsync(mapping.StripePriceId));
    }

    [Fact]
    public async Task Import_YearOfStripeHistory_MembersAccessLedgerAndMonthlyMrrMatchStripe_SecondRunAddsNothing()
    {
        var account = await SeedAccountAsync();
        await MapEveryPriceAsync();

        var result = await Importer.RunAsync();

        Assert.True(result.Outcome == StripeImportOutcome.Completed, result.Message);
        var stripeSubs = factory.Fake.All("subscription");
        var stripeInvoices = factory.Fake.All("invoice").Where(i => i["parent"]?["subscription_details"]?["subscription"] is not null).ToList();
        Assert.Equal((Customers, Customers, stripeInvoices.Count), (result.MembersCreated, result.SubscriptionsAdded, result.InvoicesAdded));

        await using (var db = await factory.DbAsync())
        {
            // Members: one per customer, no password, marked imported, linked to the customer for later webhooks.
            var imported = await db.StripeImportedCustomers.CountAsync();
            Assert.Equal(Customers, imported);
            Assert.Equal(0, await db.Users.CountAsync(u => u.Email!.StartsWith("adopted") && u.PasswordHash != null));
            Assert.Equal(Customers, await db.BillingProfiles.CountAsync(p => p.CustomerId!.StartsWith("cus_")));
            Assert.Empty(await db.Outbox.ToListAsync()); // no email sent

            // Status: each subscription as Stripe holds it now.
            var locals = await db.SubscriptionRecords.Join(db.Subscriptions.Include(s => s.Items), r => r.SubscriptionId, s => s.Id, (r, s) => new { r.GatewaySubscriptionId, Sub = s }).ToListAsync();
            Assert.Equal(Customers, locals.Count);
            foreach (var remote in stripeSubs)
            {
                var local = locals.Single(l => l.GatewaySubscriptionId == remote["id"]!.GetValue<string>()).Sub;
                var expected = remote["status"]!.GetValue<string>() is var s && s == "active" && remote["pause_collection"] is JsonObject ? "paused" : s == "incomplete_expired" ? "canceled" : s;
                Assert.True(expected == local.Status.ToStripeName(), $"{remote["id"]}: Stripe {s}, portal {local.Status}");
                Assert.Equal(remote["items"]!["data"]![0]!["quantity"]!.GetValue<long>(), local.Items.Single().Quantity);
                if (s != "canceled") // Stripe keeps the flag on an ended subscription; the portal's flag means "still to come"
                    Assert.Equal(remote["cancel_at_period_end"]!.GetValue<bool>(), local.CancelAtPeriodEnd);
                if (local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing) // past due or collection paused: Stripe moves the period on unpaid; the portal keeps the paid-through date
                    Assert.True(remote["items"]!["data"]![0]!["current_period_end"]!.GetValue<long>() == local.CurrentPeriodEnd.ToUnixTimeSeconds(),
                        $"{remote["id"]} ({s}, {local.Status}): period ends {remote["items"]!["data"]![0]!["current_period_end"]} at Stripe, {local.CurrentPeriodEnd.ToUnixTimeSeconds()} here; {string.Join(" | ", local.History.Select(h => $"{h.At:yyyy-MM-dd} {h.Kind} {h.Detail}"))}");
            }

            // Ledger: every invoice, with Stripe's amounts; one succeeded payment per paid invoice.
            var paidAtStripe = stripeInvoices.Where(i => i["status"]!.GetValue<string>() == "paid").ToList();
            Assert.Equal(stripeInvoices.Count, await db.Invoices.CountAsync());
            Assert.Equal(paidAtStripe.Sum(i => i["amount_paid"]!.GetValue<long>()), await db.Invoices.SumAsync(i => i.AmountPaidMinor));
            Assert.Equal(paidAtStripe.Count(i => i["amount_paid"]!.GetValue<long>() > 0), await db.Payments.CountAsync(p => p.Outcome == PaymentOutcome.Succeeded));
            Assert.Equal(stripeInvoices.Count(i => i["status"]!.GetValue<string>() == "open"), await db.Invoices.CountAsync(i => i.Status == InvoiceStatus.Failed));

            // Access follows at once: active and trialing members are let in, ended and never-paid ones are not.
            await using var scope = factory.Services.CreateAsyncScope();
            var access = scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Content.AccessService>();
            foreach (var l in locals.Where(l => l.Sub.Status is not (SubscriptionStatus.PastDue or SubscriptionStatus.Paused)))
            {
                var context = (await access.ForMemberAsync(db, l.Sub.MemberId, isStaff: false)).Context;
                var decision = Domain.Entitlements.EntitlementPolicy.Decide(Domain.Entitlements.AccessRule.RequiresAnyOf([.. l.Sub.Items.Select(i => i.ProductId)]), context, factory.Clock.GetUtcNow());
                // A canceled subscription keeps access to the end of what was paid for, as for any member.
                var expected = l.Sub.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing
                    || (l.Sub.Status == SubscriptionStatus.Canceled && factory.Clock.GetUtcNow() < l.Sub.CurrentPeriodEnd);
                Assert.True(expected == decision.Allowed, $"{l.GatewaySubscriptionId} {l.Sub.Status} until {l.Sub.CurrentPeriodEnd}: {decision.Reason}");
            }
        }

        // The dashboard: each month's closing MRR is what Stripe's invoices of that month bill, and this month's is Stripe's MRR now.
        var now = factory.Clock.GetUtcNow();
        var from = YearMonth.Of(account.Started);
        var to = YearMonth.Of(now);
        await using var analyticsScope = factory.Services.CreateAsyncScope();
        var months = await analyticsScope.ServiceProvider.GetRequiredService<AnalyticsService>().MonthlyAsync(from, to);
        var coupons = factory.Fake.All("coupon").ToDictionary(c => c["id"]!.GetValue<string>());
        var discounts = factory.Fake.All("discount").ToDictionary(d => d["id"]!.GetValue<string>());
        foreach (var month in months.Where(m => m.Month < to))
        {
            var end = new DateTimeOffset(month.Month.Year, month.Month.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).AddTicks(-1);
            var expected = stripeSubs.Sum(s => MrrFromInvoices(s, stripeInvoices, coupons, discounts, end));
            Assert.True(expected == month.MrrEnd, $"{month.Month}: Stripe's invoices bill {expected} a month, the dashboard shows {month.MrrEnd}");
        }
        // Today: reconciliation agrees on status and items of every subscription. What it still lists is known and not the
        // import's: a past-due or collection-paused period end (Stripe moves it on unpaid), and a repeating coupon on a yearly
        // price that ran out mid-period (the portal counts it for the period it discounted, Stripe's MRR stops counting it).
        var report = await analyticsScope.ServiceProvider.GetRequiredService<StripeReconciliation>().CompareAsync();
        Assert.Equal(Customers, report.Compared);
        var unexpected = report.Differences.SelectMany(d => d.Fields.Where(f => f.Field is not ("Period end" or "Discount")).Select(f => $"{d.GatewaySubscriptionId} {f.Field}: {f.Portal} vs {f.Stripe}")).ToList();
        Assert.True(unexpected.Count == 0, string.Join("; ", unexpected));
        Assert.True(months.Count(m => m.MrrEnd > 0) >= 12, "the months before the move are on the dashboard");

        // A second import of the unchanged account adds nothing.
        var second = await Importer.RunAsync();
        Assert.Equal(StripeImportOutcome.Completed, second.Outcome);
        Assert.True(second.AddedNothing, second.Summary);
        await using var after = await factory.DbAsync();
        Assert.Equal(Customers, await after.Subscriptions.CountAsync());
        Assert.Equal(stripeInvoices.Count, await after.Invoices.CountAsync());
    }

    [Fact]
    public async Task Import_StoppedMidwayThenContinued_EndsAsAnUninterruptedImport()
    {
        await SeedAccountAsync();
        await MapEveryPriceAsync();
        using (var db = await factory.DbAsync())
        {
            // Read again from nothing, so the stop lands while reading.
            await db.StripeImportObjects.ExecuteDeleteAsync();
            await db.Settings.Where(s => s.Key.StartsWith(StripeImporter.CursorKeyPrefix)).ExecuteDeleteAsync();
        }

        // Cancelled after the fifth saved page, then a 429 storm the adapter's backoff cannot outlast.
        using var cancel = new CancellationTokenSource();
        var pages = 0;
        var stopped = await Importer.RunAsync(new InlineProgress(_ => { if (++pages == 5) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(StripeImportOutcome.Stopped, stopped.Outcome);
        var progress = await Importer.ProgressAsync();
        Assert.Contains(progress.ReadDone.Values, done => !done);
        Assert.Equal(0, await CountAsync(db => db.Subscriptions.CountAsync()));

        factory.Fake.RateLimitNext(50);
        var limited = await Importer.RunAsync();
        Assert.Equal(StripeImportOutcome.Stopped, limited.Outcome);
        Assert.Contains("429", limited.Message);
        factory.Fake.RateLimitNext(0);

        var requestsBefore = factory.Fake.Requests.Count;
        var finished = await Importer.RunAsync();
        Assert.True(finished.Outcome == StripeImportOutcome.Completed, finished.Message);
        Assert.Equal((Customers, Customers), (finished.MembersCreated, finished.SubscriptionsAdded));
        // Continued where it stopped: the customers already read were not listed again.
        Assert.DoesNotContain(factory.Fake.Requests.Skip(requestsBefore), r => r.Path == "/v1/products");
        Assert.Equal(Customers, await CountAsync(db => db.Subscriptions.CountAsync()));
        Assert.Equal(factory.Fake.All("invoice").Count(i => i["parent"]?["subscription_details"]?["subscription"] is not null), await CountAsync(db => db.Invoices.CountAsync()));
        Assert.True((await Importer.RunAsync()).AddedNothing);
    }

    [Fact]
    public async Task Import_PriceNeitherMappedNorLeftOut_ImportsNothingAndSaysWhich_LeftOutPriceSkipsItsSubscriptions()
    {
        var stripe = factory.Fake.DashboardClient();
        var product = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Other product" });
        var price = await stripe.V1.Prices.CreateAsync(new StripeSdk.PriceCreateOptions { Product = product.Id, UnitAmount = 900, Currency = "usd", Recurring = new() { Interval = "month" } });
        var customer = await stripe.V1.Customers.CreateAsync(new StripeSdk.CustomerCreateOptions { Email = "other@example.test" });
        factory.Fake.AddCard(customer.Id);
        await stripe.V1.Subscriptions.CreateAsync(new StripeSdk.SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = price.Id }] });

        var refused = await Importer.RunAsync();

        Assert.Equal(StripeImportOutcome.NeedsMapping, refused.Outcome);
        Assert.Contains(price.Id, refused.Message);
        Assert.Equal(0, await CountAsync(db => db.Users.CountAsync(u => u.Email == "other@example.test")));

        Assert.Null(await Importer.MapAsync(price.Id, null, leftOut: true));
        var done = await Importer.RunAsync();
        Assert.Equal(StripeImportOutcome.Completed, done.Outcome);
        Assert.Equal((0, 1), (done.SubscriptionsAdded, done.SubscriptionsSkipped));
        Assert.Equal(0, await CountAsync(db => db.Subscriptions.CountAsync()));
    }

    [Fact]
    public async Task ImportPage_OwnerSeesTheMappingAndInvites_StaffIsRefused()
    {
        var stripe = factory.Fake.DashboardClient();
        var product = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Gold" });
        var price = await stripe.V1.Prices.CreateAsync(new StripeSdk.PriceCreateOptions { Product = product.Id, UnitAmount = 1500, Currency = "usd", Recurring = new() { Interval = "month" } });
        var customer = await stripe.V1.Customers.CreateAsync(new StripeSdk.CustomerCreateOptions { Email = "gold@example.test" });
        factory.Fake.AddCard(customer.Id);
        await stripe.V1.Subscriptions.CreateAsync(new StripeSdk.SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = price.Id }] });
        await factory.CreateUserAsync("import.owner@example.test", "a long owner passphrase", Infrastructure.Identity.PortalRoles.Owner);
        var staffUser = await factory.CreateUserAsync("import.staff@example.test", "a long staff passphrase", Infrastructure.Identity.PortalRoles.Staff);
        var service = factory.Services.GetRequiredService<MembershipPortal.Web.Features.Billing.StripeImport.StripeImportService>();
        var staff = new Infrastructure.Audit.AuditActor(staffUser.Id, "import.staff@example.test", Infrastructure.Identity.PortalRoles.Staff);
        Assert.False((await service.StartAsync(staff)).Started);
        Assert.NotNull(await service.CreatePlanAsync(staff, price.Id));

        Assert.Equal(StripeImportOutcome.NeedsMapping, (await Importer.RunAsync()).Outcome);
        var owner = factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(owner, "import.owner@example.test", "a long owner passphrase");
        var page = await owner.GetStringAsync("/admin/settings/stripe/import");
        Assert.Contains(price.Id, page);
        Assert.Contains("Start the import", page.Replace("Continue the import", "Start the import"));
        var other = factory.CreateBrowserlessClient();
        await MembershipPortal.Tests.Support.PortalFactory.LoginAsync(other, "import.staff@example.test", "a long staff passphrase");
        var refused = await other.GetAsync("/admin/settings/stripe/import");
        Assert.DoesNotContain(price.Id, await refused.Content.ReadAsStringAsync());

        var ownerActor = new Infrastructure.Audit.AuditActor((await factory.DbAsync()).Users.Single(u => u.Email == "import.owner@example.test").Id, "import.owner@example.test", Infrastructure.Identity.PortalRoles.Owner);
        Assert.Null(await service.CreatePlanAsync(ownerActor, price.Id));
        Assert.Equal(StripeImportOutcome.Completed, (await Importer.RunAsync()).Outcome);
        Assert.Equal(1, await service.InviteAsync(ownerActor, null));
        var imported = Assert.Single(await service.ImportedMembersAsync());
        Assert.Equal(("gold@example.test", false), (imported.Email, imported.HasPassword));
        Assert.NotNull(imported.InvitedAt);
    }

    private async Task<int> CountAsync(Func<Infrastructure.Data.AppDbContext, Task<int>> count)
    {
        await using var db = await factory.DbAsync();
        return await count(db);
    }

    /// <summary>
    /// What Stripe bills a subscription a month at <paramref name="at"/>, from its invoices: nothing before it was first paid
    /// or after it ended; otherwise the latest invoice's subscription lines (the price of the period it opened, paid or
    /// being collected), less the recurring discount that applied to it, at the monthly rate.
    /// </summary>
    private static long MrrFromInvoices(JsonObject sub, List<JsonObject> invoices, Dictionary<string, JsonObject> coupons, Dictionary<string, JsonObject> discounts, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        if (sub["ended_at"] is JsonValue ended && ended.GetValue<long>() <= t)
            return 0;
        var mine = invoices.Where(i => i["parent"]!["subscription_details"]!["subscription"]!.GetValue<string>() == sub["id"]!.GetValue<string>() && i["created"]!.GetValue<long>() <= t)
            .OrderBy(i => i["created"]!.GetValue<long>()).ToList();
        if (!mine.Any(i => i["status"]!.GetValue<string>() == "paid"))
            return 0;
        var last = mine.Last(i => Lines(i).Any());
        var created = last["created"]!.GetValue<long>();
        var total = 0m;
        foreach (var line in Lines(last))
        {
            var gross = line["amount"]!.GetValue<long>();
            var net = (decimal)gross;
            foreach (var id in (sub["discounts"] as JsonArray ?? []).Select(d => d!.GetValue<string>()))
            {
                var discount = discounts[id];
                var coupon = coupons[discount["source"]!["coupon"]!.GetValue<string>()];
                if (discount["end"] is JsonValue end && end.GetValue<long>() <= created || coupon["duration"]!.GetValue<string>() == "once")
                    continue;
                net -= coupon["percent_off"] is JsonValue p ? decimal.Round(gross * p.GetValue<decimal>() / 100m, 0, MidpointRounding.AwayFromZero) : Math.Min(net, coupon["amount_off"]!.GetValue<long>());
            }
            var price = line["pricing"]!["price_details"]!["price"]!.GetValue<string>();
            total += net / (line["period"]!["end"]!.GetValue<long>() - line["period"]!["start"]!.GetValue<long>() > 40 * 86400 ? 12 : 1);
            _ = price;
        }
        return (long)decimal.Round(total, 0, MidpointRounding.AwayFromZero);

        static IEnumerable<JsonObject> Lines(JsonObject invoice) => (invoice["lines"]!["data"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(l => l["parent"]?["subscription_item_details"] is JsonObject d && d["proration"]?.GetValue<bool>() == false);
    }

    private sealed class InlineProgress(Action<StripeImportProgress> report) : IProgress<StripeImportProgress>
    {
        public void Report(StripeImportProgress value) => report(value);
    }
}
