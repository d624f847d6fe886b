using System.Diagnostics;
using System.Net;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Content;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.AccessBench;

internal static class Bench
{
    public static async Task Main(string[] args)
    {
        // Access benchmark: (1) the access decision against the real SQLite database for a member with 5 subscriptions;
        // (2) requests per second of a gated lesson page (a member's, rendered statically, no circuit), of anonymous
        // /pricing (from the output cache) and of /health under 50 concurrent clients, on the same run; (3) the server's
        // managed heap after a full GC, before and after 1,000 anonymous visits to /pricing (a static page holds nothing).
        // [seconds=10]; --smoke: 1 s and a few hundred decisions, to check in CI that the bench still runs.
        var smoke = args.Contains("--smoke");
        var seconds = smoke ? 1 : args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
        var (decisions, warmUp) = smoke ? (300, 100) : (2_500, 500);
        // Outside a test project WebApplicationFactory cannot find the web project's folder by itself.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_MEMBERSHIPPORTAL_WEB",
            Path.Combine(RepositoryRoot(), "src", "MembershipPortal.Web"));
        using var portal = new PortalFactory().WithSetting("Logging:LogLevel:Default", "Warning").WithSetting("Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", "Warning").WithSetting("RateLimiting:PostsPerMinute", "10000");
        portal.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        portal.StartServer();
        var baseUrl = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var catalog = await TestCatalog.CreateAsync(portal);
        var content = await TestContent.CreateAsync(portal, catalog);
        var member = await portal.CreateUserAsync("bench@example.test", "a long member passphrase");
        foreach (var price in new[] { catalog.BasicMonthly, catalog.ProMonthly, catalog.VipMonthly, catalog.BoxMonthly, catalog.ProYearly })
            await TestContent.SubscribeAsync(portal, member.Id, price);

        // 1. Decision latency: context from the database + policy, as every gated request does.
        using var scope = portal.Services.CreateScope();
        var access = scope.ServiceProvider.GetRequiredService<AccessService>();
        var dbFactory = portal.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var rule = AccessRule.RequiresAnyOf(catalog.ProProduct, catalog.VipProduct);
        var samples = new List<double>();
        for (var i = 0; i < decisions; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var db = await dbFactory.CreateDbContextAsync();
            var ctx = await access.ForMemberAsync(db, member.Id, isStaff: false);
            var decision = ctx.Decide(rule, portal.Clock.GetUtcNow());
            sw.Stop();
            if (!decision.Allowed)
                throw new InvalidOperationException("expected access");
            if (i >= warmUp)
                samples.Add(sw.Elapsed.TotalMilliseconds); // first 500 warm up
        }
        samples.Sort();
        Console.WriteLine($"access decision (5 subscriptions, SQLite): median {samples[samples.Count / 2]:F3} ms, p95 {samples[(int)(samples.Count * 0.95)]:F3} ms over {samples.Count} decisions");

        // 2. Throughput: a signed-in member fetching a gated lesson (full server render) vs /health.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var login = await PortalFactory.LoginAsync(client, "bench@example.test", "a long member passphrase");
        if (login.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"login failed: {login.StatusCode}");
        var lesson = $"/courses/{content.Course}/lessons/lesson-1";
        var check = await client.GetStringAsync(lesson);
        if (!check.Contains(TestContent.Secret))
            throw new InvalidOperationException("the lesson did not open for the member");

        var anonymousHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, AllowAutoRedirect = false, UseCookies = false };
        using var anonymous = new HttpClient(anonymousHandler) { BaseAddress = new Uri(baseUrl) };

        Task<double> RateAsync(string path) => RateWithAsync(client, path);

        async Task<double> RateWithAsync(HttpClient client, string path)
        {
            var stop = DateTime.UtcNow.AddSeconds(seconds);
            long done = 0;
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                while (DateTime.UtcNow < stop)
                {
                    using var response = await client.GetAsync(path);
                    response.EnsureSuccessStatusCode();
                    await response.Content.ReadAsByteArrayAsync();
                    Interlocked.Increment(ref done);
                }
            }));
            return done / sw.Elapsed.TotalSeconds;
        }

        await RateAsync("/health"); // warm-up
        var health = await RateAsync("/health");
        var gated = await RateAsync(lesson);
        await RateWithAsync(anonymous, "/pricing"); // warm-up, and the page into the cache
        var pricing = await RateWithAsync(anonymous, "/pricing");
        if (Environment.GetEnvironmentVariable("BENCH_EXTRA") == "1")
            foreach (var extra in new[] { "/", "/pricing", $"/content/{content.PublicArticle}", $"/courses/{content.Course}" })
                Console.WriteLine($"{extra}: {await RateAsync(extra):F0} req/s");
        Console.WriteLine($"/health: {health:F0} req/s; gated lesson page: {gated:F0} req/s; ratio {gated / health:P0} (target >= 50%) — 50 clients, {seconds} s each");
        Console.WriteLine($"/pricing, anonymous (output cache): {pricing:F0} req/s; ratio {pricing / health:P0} of /health (target >= 70%)");

        // 3. What open public pages cost the server: each visit is a new visitor (own connection, no cookies).
        var visits = smoke ? 50 : 1_000;
        var before = HeapAfterFullGc();
        var pages = new List<string>(visits);
        for (var i = 0; i < visits; i++)
        {
            using var visitor = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
            pages.Add(await visitor.GetStringAsync("/pricing"));
        }
        pages.Clear();
        var after = HeapAfterFullGc();
        Console.WriteLine($"managed heap after a full GC: {before / 1048576.0:F1} MB before, {after / 1048576.0:F1} MB after {visits:N0} anonymous /pricing visits: " +
            $"{((after - before) >= 0 ? "+" : "")}{(after - before) / 1024.0:N0} KB (target < 50 MB; a circuit per tab cost ~0.75 MB each)");
    }

    private static long HeapAfterFullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MembershipPortal.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("MembershipPortal.sln not found");
    }
}
