using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Web.Tests.Stripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Bench;

/// <summary>
/// Starts the real portal in-process (WebApplicationFactory, Production environment, a fresh SQLite file on disk) and
/// feeds it signed Stripe events the way Stripe would, one request per event. Each subscription gets four events, sent
/// in waves (every subscription's first event, then every second ...): customer.subscription.created, invoice.paid for
/// the first period, customer.subscription.updated a month later (renewal + quantity change) and invoice.paid for the
/// renewal. That is 25 % created, 25 % updated, 50 % invoice.paid. A warm-up of its own subscriptions runs untimed first.
/// </summary>
internal sealed class WebhookBench(int count, int parallel, bool direct, string directory) : IAsyncDisposable
{
    public const int EventsPerSubscription = 4;
    private const string Secret = "whsec_bench";
    private const string StripePriceId = "price_bench_pro";
    private const int WarmupSubscriptions = 50;

    private readonly string root = Path.Combine(directory, "portal-bench", Guid.NewGuid().ToString("N"));
    private BenchFactory? factory;

    public async Task<BenchReport> RunAsync()
    {
        Directory.CreateDirectory(root);
        factory = new BenchFactory(root, Secret);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var processor = factory.Services.GetRequiredService<StripeWebhookProcessor>();
        var subscriptions = (count + EventsPerSubscription - 1) / EventsPerSubscription;
        var now = DateTimeOffset.UtcNow;
        await SeedAsync(WarmupSubscriptions + subscriptions, now);

        var warmup = Waves(0, WarmupSubscriptions, now, WarmupSubscriptions * EventsPerSubscription);
        await SendAsync(warmup, client, processor, new long[warmup.Sum(w => w.Count)], new int[6]);

        var waves = Waves(WarmupSubscriptions, subscriptions, now, count);
        var latencies = new long[count];
        var outcomes = new int[6];
        var gcBefore = GcFigures.Now();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await SendAsync(waves, client, processor, latencies, outcomes);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var gc = GcFigures.Now() - gcBefore;

        return await ReportAsync(clock.Elapsed, cpu, gc, latencies, outcomes, subscriptions);
    }

    /// <summary>Events grouped in waves; a wave finishes before the next starts, so each subscription's events stay in order.</summary>
    private static List<List<string>> Waves(int firstSubscription, int subscriptions, DateTimeOffset now, int limit)
    {
        var waves = Enumerable.Range(0, EventsPerSubscription).Select(_ => new List<string>()).ToList();
        for (var k = firstSubscription; k < firstSubscription + subscriptions; k++)
        {
            var ids = Ids(k);
            var start = now.AddDays(-40).AddSeconds(k);
            var renewal = start.AddMonths(1);
            waves[0].Add(StripeEvents.Envelope($"evt_bench_{k}_0", "customer.subscription.created", start,
                StripeEvents.Subscription(ids.Sub, ids.Customer, ids.Member, StripePriceId, "active", start, start.AddMonths(1))));
            waves[1].Add(StripeEvents.Envelope($"evt_bench_{k}_1", "invoice.paid", start.AddSeconds(2),
                StripeEvents.Invoice($"in_bench_{k}_1", ids.Sub, ids.Customer, ids.Member, 2000, paid: true, 1, start, start.AddMonths(1), start.AddSeconds(2))));
            waves[2].Add(StripeEvents.Envelope($"evt_bench_{k}_2", "customer.subscription.updated", renewal,
                StripeEvents.Subscription(ids.Sub, ids.Customer, ids.Member, StripePriceId, "active", start, renewal.AddMonths(1),
                    quantity: 2, periodStart: renewal)));
            waves[3].Add(StripeEvents.Envelope($"evt_bench_{k}_3", "invoice.paid", renewal.AddSeconds(2),
                StripeEvents.Invoice($"in_bench_{k}_2", ids.Sub, ids.Customer, ids.Member, 4000, paid: true, 1, renewal, renewal.AddMonths(1), renewal.AddSeconds(2))));
        }

        // Trim to exactly `limit` events, dropping from the last waves first so every sent event has its predecessors.
        var excess = waves.Sum(w => w.Count) - limit;
        for (var w = waves.Count - 1; w >= 0 && excess > 0; w--)
        {
            var drop = Math.Min(excess, waves[w].Count);
            waves[w].RemoveRange(waves[w].Count - drop, drop);
            excess -= drop;
        }
        return waves;
    }

    private async Task SendAsync(
        List<List<string>> waves, HttpClient client, StripeWebhookProcessor processor, long[] latencies, int[] outcomes)
    {
        var index = 0;
        foreach (var wave in waves)
        {
            var offset = index;
            await Parallel.ForAsync(0, wave.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
            {
                var payload = wave[i];
                var signature = StripeEvents.Signature(Secret, payload, DateTimeOffset.UtcNow);
                var started = Stopwatch.GetTimestamp();
                var outcome = direct
                    ? (await processor.ProcessAsync(payload, signature, ct)).Outcome
                    : await PostAsync(client, payload, signature, ct);
                latencies[offset + i] = Stopwatch.GetTimestamp() - started;
                Interlocked.Increment(ref outcomes[(int)outcome]);
            });
            index += wave.Count;
        }
    }

    private static async Task<WebhookOutcome> PostAsync(HttpClient client, string payload, string signature, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var response = await client.SendAsync(request, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => WebhookOutcome.Processed,
            HttpStatusCode.BadRequest => WebhookOutcome.Rejected,
            HttpStatusCode.NotFound => WebhookOutcome.Disabled,
            _ => WebhookOutcome.Failed,
        };
    }

    private async Task SeedAsync(int members, DateTimeOffset now)
    {
        await using var db = await Db();
        for (var k = 0; k < members; k++)
        {
            var ids = Ids(k);
            var email = $"{ids.Member}@bench.test";
            db.Users.Add(new ApplicationUser
            {
                Id = ids.Member,
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                CreatedAt = now,
            });
        }
        var product = new Product { Name = "Pro", Slug = "bench-pro", Kind = ProductKind.Membership, Rank = 1, CreatedAt = now };
        var price = CatalogPrice.Create(product.Id, PriceTerms.Monthly(new Money(2000, "USD")));
        db.Products.Add(product);
        db.Prices.Add(price);
        db.Entry(price).Property("StripePriceId").CurrentValue = StripePriceId;
        await db.SaveChangesAsync();
    }

    private async Task<BenchReport> ReportAsync(TimeSpan elapsed, TimeSpan cpu, GcFigures gc, long[] latencies, int[] outcomes, int subscriptions)
    {
        await using var db = await Db();
        Array.Sort(latencies);
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[(int)Math.Min(latencies.Length - 1, p * latencies.Length)] * 1000.0 / Stopwatch.Frequency;
        return new BenchReport(
            Mode: direct ? "direct (StripeWebhookProcessor)" : "HTTP POST /webhooks/stripe (TestServer)",
            Journal: await JournalAsync(db),
            LoadAverage: File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a",
            Events: latencies.Length,
            Parallel: parallel,
            Elapsed: elapsed,
            Cpu: cpu,
            Gc: gc,
            P50Ms: Percentile(0.50), P95Ms: Percentile(0.95), P99Ms: Percentile(0.99),
            Ok: outcomes[(int)WebhookOutcome.Processed] + outcomes[(int)WebhookOutcome.Ignored] + outcomes[(int)WebhookOutcome.Duplicate],
            Failed: outcomes[(int)WebhookOutcome.Failed] + outcomes[(int)WebhookOutcome.Rejected] + outcomes[(int)WebhookOutcome.Disabled],
            RecordedEvents: await db.ProcessedWebhookEvents.CountAsync(),
            ActiveSubscriptions: await db.Subscriptions.CountAsync(s => s.Status == SubscriptionStatus.Active),
            Invoices: await db.Invoices.CountAsync(),
            Payments: await db.Payments.CountAsync(),
            TimedSubscriptions: subscriptions,
            DatabaseBytes: new FileInfo(Path.Combine(root, "portal.db")).Length,
            DatabasePath: Path.Combine(root, "portal.db"));
    }

    /// <summary>What the portal's own connections run with (WAL from start-up, synchronous from the connection interceptor).</summary>
    private static async Task<string> JournalAsync(AppDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = await command.ExecuteScalarAsync();
            command.CommandText = "PRAGMA synchronous";
            var synchronous = Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            return $"journal_mode={journal}, synchronous={(synchronous switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", _ => "EXTRA" })}";
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    private Task<AppDbContext> Db() => factory!.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private static (string Member, string Customer, string Sub) Ids(int k) =>
        ($"bench-member-{k}", $"cus_bench{k}", $"sub_bench{k}");

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
            await factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The portal as production runs it, on a throw-away SQLite file, with Stripe webhooks on and quiet logs.</summary>
    private sealed class BenchFactory(string root, string secret) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(root, "portal.db")}",
                ["Email:PickupDirectory"] = Path.Combine(root, "mail"),
                ["Portal:PublicUrl"] = "http://localhost",   // required outside Development
                ["Payments:Provider"] = "Stripe",
                ["Payments:Stripe:SecretKey"] = "sk_test_bench",
                ["Payments:Stripe:WebhookSecret"] = secret,
                ["Payments:Stripe:ApiBase"] = "http://stripe.invalid",
                // Per-request logs would measure the console, not the ingestion.
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
            }));
            // A paid invoice's payment and card are read from Stripe (webhooks do not carry them): an in-process stand-in
            // answers as Stripe does, so the bench counts the portal's side of that call and not Stripe's network latency.
            builder.ConfigureServices(services => services
                .AddHttpClient(MembershipPortal.Infrastructure.Payments.Stripe.StripeServiceCollectionExtensions.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new StripeApiStandIn()));
        }
    }

    /// <summary>GET /v1/invoice_payments?invoice=in_... answered with the invoice's paid PaymentIntent (Stripe's fixture shapes).</summary>
    private sealed class StripeApiStandIn : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var invoiceId = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["invoice"];
            var found = request.RequestUri.AbsolutePath == "/v1/invoice_payments" && invoiceId is { Length: > 3 };
            var body = found ? StripeEvents.InvoicePaymentList(invoiceId!, "pi_" + invoiceId![3..], 2000).ToJsonString() : """{"error":{"type":"invalid_request_error","message":"Not stubbed."}}""";
            return Task.FromResult(new HttpResponseMessage(found ? HttpStatusCode.OK : HttpStatusCode.NotFound)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            });
        }
    }
}

/// <summary>The garbage collector's counters (the bench's own payloads are built before the first reading).</summary>
internal readonly record struct GcFigures(TimeSpan Pause, long AllocatedBytes, int Gen0, int Gen1, int Gen2)
{
    public static GcFigures Now() => new(GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    public static GcFigures operator -(GcFigures a, GcFigures b) =>
        new(a.Pause - b.Pause, a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);
}

internal sealed record BenchReport(
    string Mode, string Journal, string LoadAverage, int Events, int Parallel, TimeSpan Elapsed, TimeSpan Cpu, GcFigures Gc, double P50Ms, double P95Ms, double P99Ms, int Ok, int Failed,
    int RecordedEvents, int ActiveSubscriptions, int Invoices, int Payments, int TimedSubscriptions, long DatabaseBytes, string DatabasePath)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"""
        Stripe webhook ingestion benchmark
          mode            {Mode}, {Parallel} concurrent sender(s)
          database        SQLite file {DatabasePath}, {Journal}, {DatabaseBytes / 1024.0 / 1024.0:F1} MiB after the run
          machine         {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage} (after the run)
          events          {Events} ({TimedSubscriptions} subscriptions: 25 % subscription.created, 25 % subscription.updated, 50 % invoice.paid)
          total time      {Elapsed.TotalSeconds:F2} s
          throughput      {EventsPerSecond:F0} events/s
          CPU             {Cpu.TotalMilliseconds / Events:F2} ms of process CPU per event (all threads, app and sender), {Cpu.TotalSeconds / Elapsed.TotalSeconds * 100:F0} % of one core on average
          memory          {Gc.AllocatedBytes / 1024.0 / Events:F0} KB allocated per event; GC paused {Gc.Pause.TotalMilliseconds:F0} ms ({Gc.Pause.TotalSeconds / Elapsed.TotalSeconds * 100:F1} % of the run) in {Gc.Gen0} gen0, {Gc.Gen1} gen1, {Gc.Gen2} gen2 collections ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)
          latency         p50 {P50Ms:F2} ms, p95 {P95Ms:F2} ms, p99 {P99Ms:F2} ms
          answers         {Ok} ok (200), {Failed} failed
          ledger after    {RecordedEvents} event ids recorded (incl. warm-up), {ActiveSubscriptions} active subscriptions, {Invoices} invoices, {Payments} payments
        """);
}
