using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Infrastructure.Payments.Stripe.Import;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StripeSdk = Stripe;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// Moving in at scale: seeds the stateful fake with N subscriptions and a year of billing (about 12 invoices each), serves
/// it over HTTP on 127.0.0.1, and runs the real <see cref="StripeImporter"/> of a real portal host (fresh SQLite file,
/// Stripe.net pointed at the fake through Payments:Stripe:ApiBase) the way an Owner does: read, map each price to a new
/// plan, import. A few 429s are injected while reading, so the run proves the backoff too.
/// <code>dotnet run -c Release --project tests/MembershipPortal.Web.Tests -- stripe-import-bench --subscriptions 10000</code>
/// </summary>
public static class StripeImportBench
{
    public const string Command = "stripe-import-bench";

    public const string Usage =
        "Usage: dotnet run -c Release --project tests/MembershipPortal.Web.Tests -- stripe-import-bench [--subscriptions 1000] [--rps 100] [--rate-limited 3] [--smoke]";

    private const int Days = 362; // a start on days 0–20 then renews 11 times: 12 invoices for a monthly subscription

    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i && i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var smoke = args.Contains("--smoke");
        if (!int.TryParse(Option("--subscriptions") ?? (smoke ? "20" : "1000"), CultureInfo.InvariantCulture, out var n) || n < 1
            || !double.TryParse(Option("--rps") ?? "100", CultureInfo.InvariantCulture, out var rps)
            || !int.TryParse(Option("--rate-limited") ?? "3", CultureInfo.InvariantCulture, out var rateLimited) || rateLimited is < 0 or > 4)
        {
            Console.Error.WriteLine(Usage + "  (--rate-limited: 0–4 429s in a row; five would stop the import, as it should)");
            return 2;
        }

        // WebApplicationFactory finds the Web project's folder through MvcTestingAppManifest.json in the current directory,
        // which test runners set to the output folder and `dotnet run` does not.
        Environment.CurrentDirectory = AppContext.BaseDirectory;
        using var factory = new BenchPortalFactory();
        var fake = new StripeFake(factory.Clock, "whsec_bench") { WebhooksEnabled = false, RecordsEvents = false }; // the account exists before the move
        var seedWatch = Stopwatch.StartNew();
        var (prices, subscriptions) = await SeedAsync(fake, factory, n);
        var seedTime = seedWatch.Elapsed;
        var invoicesAtStripe = fake.All("invoice").Count(i => i["parent"]?["subscription_details"]?["subscription"] is not null);

        // Stripe over HTTP: the fake's own server on a free port, timing what it spends answering.
        long fakeTicks = 0;
        var tooMany = 0;
        await using var server = StripeFakeServer.Build(fake, "http://127.0.0.1:0", new Uri("http://127.0.0.1:9/unused"));
        server.Use(async (HttpContext context, RequestDelegate next) =>
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            Interlocked.Add(ref fakeTicks, Stopwatch.GetTimestamp() - started);
            if (context.Response.StatusCode == StatusCodes.Status429TooManyRequests)
                Interlocked.Increment(ref tooMany);
        });
        await server.StartAsync();
        var apiBase = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        factory.WithSetting("Payments:Stripe:ApiBase", apiBase)
            .WithSetting("Payments:Stripe:Import:RequestsPerSecond", rps.ToString(CultureInfo.InvariantCulture));
        var importer = factory.Services.GetRequiredService<StripeImporter>();
        var rowsBefore = await RowCountsAsync(factory.DatabasePath);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        var cpuBefore = process.TotalProcessorTime;
        var requestsBefore = fake.Requests.Count;

        using var sampler = new PeakSampler();
        var wall = Stopwatch.StartNew();
        var pages = 0;
        var read = await importer.RunAsync(new InlineProgress(_ =>
        {
            if (++pages == 3)
                fake.RateLimitNext(rateLimited); // Stripe pushes back mid-read: the adapter backs off and the import goes on
        }));
        var readTime = wall.Elapsed;
        if (read.Outcome != StripeImportOutcome.NeedsMapping)
            return Fail($"reading: expected the price mapping to be asked for, got {read.Outcome}: {read.Message}");
        foreach (var mapping in await importer.MappingsAsync())
            if (await importer.CreatePlanAsync(mapping.StripePriceId) is { } problem)
                return Fail($"mapping {mapping.StripePriceId}: {problem}");
        var mapped = wall.Elapsed;
        var result = await importer.RunAsync();
        var total = wall.Elapsed;
        var (peakWorkingSet, peakHeap) = sampler.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        if (result.Outcome != StripeImportOutcome.Completed)
            return Fail($"import: {result.Outcome}: {result.Message}");
        var rowsAfter = await RowCountsAsync(factory.DatabasePath);
        int subsHere, invoicesHere;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            (subsHere, invoicesHere) = (await db.Subscriptions.CountAsync(), await db.Invoices.CountAsync());
        if (subsHere != subscriptions || invoicesHere != invoicesAtStripe || result.SubscriptionsAdded != subscriptions)
            return Fail($"the portal holds {subsHere} subscriptions and {invoicesHere} invoices; Stripe has {subscriptions} and {invoicesAtStripe}");
        if (tooMany != rateLimited)
            return Fail($"{rateLimited} 429s were asked for, the fake answered {tooMany}");

        var requests = fake.Requests.Count - requestsBefore;
        var written = rowsAfter.Select(r => (Table: r.Key, Rows: r.Value - rowsBefore.GetValueOrDefault(r.Key))).Where(r => r.Rows != 0).OrderByDescending(r => r.Rows).ToList();
        var fakeTime = TimeSpan.FromSeconds(Interlocked.Read(ref fakeTicks) / (double)Stopwatch.Frequency);
        var pacingFloor = rps > 0 ? TimeSpan.FromSeconds(Math.Max(0, requests - 1) / Math.Min(rps, 100)) : TimeSpan.Zero;
        var backoff = TimeSpan.FromMilliseconds(Enumerable.Range(0, rateLimited).Sum(a => StripePaymentGateway.RateLimitPause(a).TotalMilliseconds));
        static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F0} MB";
        static string S(TimeSpan t) => $"{t.TotalSeconds:F1} s";

        Console.WriteLine($"Stripe import bench{(smoke ? " (smoke)" : "")}: N = {subscriptions} subscriptions ({prices} prices on 3 products, 2 coupons, every status), "
            + $"{invoicesAtStripe} subscription invoices ({invoicesAtStripe / (double)subscriptions:F1} each); seeded in {S(seedTime)}");
        Console.WriteLine($"  pacing: Payments:Stripe:Import:RequestsPerSecond = {rps} (capped at 100, Stripe's live read limit); {rateLimited} 429(s) injected after page 3, "
            + $"backed off {S(backoff)}; {Environment.ProcessorCount} cores, load {LoadAverage()}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        Console.WriteLine($"  wall time: {S(total)} = reading {S(readTime)} + mapping {S(mapped - readTime)} + applying {S(total - mapped)}; "
            + $"CPU {S(cpu)} (the fake's server included; it spent {S(fakeTime)} answering); pacing floor {S(pacingFloor)}");
        Console.WriteLine($"  requests: {requests} ({read.Requests} reads paced + {tooMany} answered 429; {result.Requests} on the second run)");
        Console.WriteLine($"  memory: peak working set {Mb(peakWorkingSet)} ({Mb(workingSetBefore)} before the import, the fake's objects included); "
            + $"managed heap after GC {Mb(heapBefore)} before → {Mb(heapAfter)} after (peak {Mb(peakHeap)} during)");
        Console.WriteLine($"  rows written: {written.Sum(r => r.Rows)} ({string.Join(", ", written.Take(8).Select(r => $"{r.Table} {r.Rows}"))}"
            + $"{(written.Count > 8 ? ", ..." : "")}); database {Mb(new FileInfo(factory.DatabasePath).Length)}");
        Console.WriteLine($"  {result.Message}");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("stripe-import-bench FAILED: " + message);
        return 1;
    }

    /// <summary>
    /// An account with a year of history on the fake's clock: 3 products, 5 prices (4 monthly, 1 yearly), 2 coupons; customers
    /// subscribe over the first three weeks and each tenth follows one story (trial, past due, canceled or set to cancel,
    /// plan change, unpaid, collection paused, incomplete and expired, plain). Returns (prices, subscriptions).
    /// </summary>
    private static async Task<(int, int)> SeedAsync(StripeFake fake, BenchPortalFactory factory, int n)
    {
        var clock = factory.Clock;
        var started = clock.GetUtcNow();
        var stripe = fake.DashboardClient();
        var basic = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Basic" });
        var pro = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Pro" });
        var box = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Craft box" });
        async Task<string> PriceAsync(string product, long amount, string interval) => (await stripe.V1.Prices.CreateAsync(new StripeSdk.PriceCreateOptions
        { Product = product, UnitAmount = amount, Currency = "usd", Recurring = new StripeSdk.PriceRecurringOptions { Interval = interval } })).Id;
        List<string> monthly = [await PriceAsync(basic.Id, 1000, "month"), await PriceAsync(basic.Id, 1500, "month"), await PriceAsync(pro.Id, 2500, "month"), await PriceAsync(box.Id, 4000, "month")];
        var yearly = await PriceAsync(pro.Id, 25000, "year");
        var percent = await stripe.V1.Coupons.CreateAsync(new StripeSdk.CouponCreateOptions { PercentOff = 20, Duration = "forever", Name = "FRIENDS20" });
        var amount = await stripe.V1.Coupons.CreateAsync(new StripeSdk.CouponCreateOptions { AmountOff = 500, Currency = "usd", Duration = "repeating", DurationInMonths = 3, Name = "WELCOME5" });

        var startDay = new int[n];
        for (var i = 0; i < n; i++)
        {
            startDay[i] = i % 50 == 10 ? 340 : i % 21; // a few start late on a trial: still trialing at the move
            while (started.AddDays(startDay[i]).Day > 28) // the fake keeps to the anchor day only on days 1–28
                startDay[i]++;
        }
        var byDay = Enumerable.Range(0, n).ToLookup(i => startDay[i]);
        var customers = new string[n];
        var subs = new string[n];
        for (var day = 0; day < Days; day++)
        {
            foreach (var i in byDay[day])
            {
                var customer = await stripe.V1.Customers.CreateAsync(new StripeSdk.CustomerCreateOptions { Email = $"adopted{i}@example.test", Name = $"Adopted Member{i}" });
                customers[i] = customer.Id;
                fake.AddCard(customer.Id);
                if (i % 20 == 7)
                    fake.SetCardDeclines(customer.Id, true);
                var price = i % 20 == 9 ? yearly : monthly[i % 4];
                var options = new StripeSdk.SubscriptionCreateOptions
                {
                    Customer = customer.Id,
                    Items = [new() { Price = price, Quantity = price == monthly[3] ? 1 + i % 3 : 1 }],
                    TrialPeriodDays = i % 50 == 10 ? 30 : i % 10 == 0 ? 14 : null,
                };
                if (i % 9 is 0 or 4)
                    options.Discounts = [new() { Coupon = i % 9 == 0 ? percent.Id : amount.Id }];
                subs[i] = (await stripe.V1.Subscriptions.CreateAsync(options)).Id;
            }
            for (var i = 0; i < n; i++)
            {
                if (subs[i] is not { } sub || day == startDay[i])
                    continue;
                switch ((i % 20, day))
                {
                    case (1 or 5, 330):
                        fake.SetCardDeclines(customers[i], true); // past due from the next renewal; 5 then gives up (unpaid)
                        break;
                    case (5, Days - 1):
                        fake.SetStatus(sub, "unpaid");
                        break;
                    case (2, 355):
                    case (12, 200):
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions { CancelAtPeriodEnd = true });
                        break;
                    case (3, 250):
                        await stripe.V1.Subscriptions.CancelAsync(sub);
                        break;
                    case (4 or 14, 180):
                        var item = (await stripe.V1.Subscriptions.GetAsync(sub)).Items.Data[0];
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions
                        {
                            Items = [item.Price.Id == monthly[3] ? new() { Id = item.Id, Quantity = item.Quantity + 1 } : new() { Id = item.Id, Price = monthly[2] }],
                        });
                        break;
                    case (6, Days - 1):
                        await stripe.V1.Subscriptions.UpdateAsync(sub, new StripeSdk.SubscriptionUpdateOptions
                        { PauseCollection = new() { Behavior = "void", ResumesAt = clock.GetUtcNow().AddDays(30).UtcDateTime } });
                        break;
                    case (7, _) when day == startDay[i] + 1:
                        fake.SetStatus(sub, "incomplete_expired");
                        break;
                }
            }
            clock.Advance(TimeSpan.FromDays(1));
            fake.AdvanceBilling();
        }
        return (monthly.Count + 1, n);
    }

    /// <summary>Rows per table of the SQLite file (a plain connection, so nothing is counted through EF).</summary>
    private static async Task<Dictionary<string, long>> RowCountsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The portal in Stripe mode on a fresh SQLite file, Stripe.net's HttpClient left as in production (real sockets).</summary>
    private sealed class BenchPortalFactory : PortalFactory
    {
        public BenchPortalFactory()
        {
            WithSetting("Payments:Provider", "Stripe");
            WithSetting("Payments:Stripe:SecretKey", "sk_test_bench");
            WithSetting("Payments:Stripe:WebhookSecret", "whsec_bench");
            WithSetting("Logging:LogLevel:Default", "Warning");
        }

        public string DatabasePath => Path.Combine(Root, "portal.db");
    }

    /// <summary>Samples the working set and the managed heap every 50 ms.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer timer;
        private readonly Process process = Process.GetCurrentProcess();
        private long workingSet, heap;

        public PeakSampler() => timer = new Timer(_ => Sample(), null, 0, 50);

        private void Sample()
        {
            lock (process)
            {
                process.Refresh();
                workingSet = Math.Max(workingSet, process.WorkingSet64);
                heap = Math.Max(heap, GC.GetTotalMemory(false));
            }
        }

        public (long WorkingSet, long Heap) Stop()
        {
            timer.Change(Timeout.Infinite, Timeout.Infinite);
            Sample();
            return (workingSet, heap);
        }

        public void Dispose()
        {
            timer.Dispose();
            process.Dispose();
        }
    }

    private sealed class InlineProgress(Action<StripeImportProgress> report) : IProgress<StripeImportProgress>
    {
        public void Report(StripeImportProgress value) => report(value);
    }
}
