using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MembershipPortal.Infrastructure;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Features.Themes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Queues N notices (rendered with the real templates and theme) into the outbox of a fresh SQLite database, then
// delivers them with the real dispatcher to a local maildev over SMTP, and prints messages per second.
// Usage: dotnet run -c Release --project bench/MembershipPortal.EmailBench -- [count=10000] [parallelism=4] [batch=100]
//        ... -- --smoke    200 messages, to check in CI that the bench still runs (figures meaningless)
var smoke = args.Contains("--smoke");
if (smoke) args = ["200", "2", "50"];
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var parallelism = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;

var root = Directory.CreateTempSubdirectory("emailbench").FullName;
var mailDirectory = Path.Combine(root, "maildev");
await using var maildev = await MailDev.StartAsync(mailDirectory);
try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root });
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(root, "portal.db")}",
        ["Email:Delivery"] = "Smtp",
        ["Email:From"] = "club@example.test",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Email:Smtp:UseTls"] = "false",
        ["Email:Outbox:Parallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
        ["Email:Outbox:BatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
        ["Jobs:Enabled"] = "false",
        ["Portal:BaseUrl"] = "https://members.example.com",
    });
    builder.Services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3);
    builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section);
    builder.Services.AddDataProtection();
    builder.AddPortalData();
    builder.AddPortalEmail();
    builder.AddPortalThemes();
    builder.AddPortalNotifications();
    using var host = builder.Build();
    var services = host.Services;

    var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
    await using (var db = await dbFactory.CreateDbContextAsync())
        await db.Database.MigrateAsync();
    await services.GetRequiredService<ThemeState>().InitializeAsync();

    var queue = services.GetRequiredService<NoticeQueue>();
    var clock = TimeProvider.System;
    var kinds = new[] { NoticeKind.PaymentFailed, NoticeKind.Receipt, NoticeKind.RenewalReminder, NoticeKind.DunningReminder };
    var queueWatch = Stopwatch.StartNew();
    for (var start = 0; start < count; start += 500)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        for (var i = start; i < Math.Min(count, start + 500); i++)
        {
            var values = new Dictionary<string, string>
            {
                ["plan.name"] = "Pro + Craft Kit",
                ["amount"] = "$31.00",
                ["renewal_date"] = "8 December 2026",
                ["retry_date"] = "24 November 2026",
                ["suspension_date"] = "30 November 2026",
                ["card_last4"] = "4242",
                ["update_payment_url"] = "https://members.example.com/account/billing",
                ["invoice_number"] = $"INV-{i:D6}",
                ["invoice_url"] = $"https://members.example.com/account/billing/invoices/{i}",
            };
            await queue.QueueToAsync(db, kinds[i % kinds.Length], $"bench:{i}", new Recipient($"member{i}@example.test", "Ada", null), values, clock.GetUtcNow());
        }
        await db.SaveChangesAsync();
    }
    queueWatch.Stop();
    Console.WriteLine($"Queued {count:N0} notices in {queueWatch.Elapsed.TotalSeconds:F1} s ({count / queueWatch.Elapsed.TotalSeconds:N0}/s).");

    var dispatcher = services.GetRequiredService<OutboxDispatcher>();
    var sendWatch = Stopwatch.StartNew();
    var report = DispatchReport.Empty;
    for (var round = 0; round < 50; round++)
    {
        report += await dispatcher.DispatchDueAsync();
        await using var db = await dbFactory.CreateDbContextAsync();
        if (!await db.Outbox.AnyAsync(o => o.Status != OutboxStatus.Sent))
            break;
    }
    sendWatch.Stop();

    await using (var db = await dbFactory.CreateDbContextAsync())
    {
        var sent = await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent);
        var received = await maildev.ReceivedAsync(count);
        Console.WriteLine($"Delivered {report.Sent:N0} (outbox rows sent: {sent:N0}, maildev received: {received:N0}, retries: {report.Retrying}) " +
                          $"in {sendWatch.Elapsed.TotalSeconds:F1} s with {parallelism} worker(s), batches of {batch}.");
        Console.WriteLine($"Throughput: {report.Sent / sendWatch.Elapsed.TotalSeconds:N0} messages/second.");
        return sent == count && received == count ? 0 : 1;
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    try
    { Directory.Delete(root, true); }
    catch (IOException) { }
}

/// <summary>maildev from tests/tools on free loopback ports, as the tests' MailDevServer starts it.</summary>
internal sealed class MailDev : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;

    private MailDev(Process process, int smtpPort, string directory)
    {
        this.process = process;
        SmtpPort = smtpPort;
        this.directory = directory;
    }

    public int SmtpPort { get; }

    public static async Task<MailDev> StartAsync(string directory)
    {
        var tools = Path.Combine(RepositoryRoot(), "tests", "tools");
        var maildev = Path.Combine(tools, "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = tools })!;
            await npm.WaitForExitAsync();
        }
        Directory.CreateDirectory(directory);
        int smtp = FreePort(), web = FreePort();
        var process = Process.Start(new ProcessStartInfo(maildev,
            $"--smtp {smtp} --web {web} --ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory {directory}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, smtp);
                return new MailDev(process, smtp, directory);
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        process.Kill(true);
        throw new TimeoutException("maildev did not start");
    }

    /// <summary>Messages maildev wrote to its folder (it writes each one as a file), waiting briefly for stragglers.</summary>
    public async Task<int> ReceivedAsync(int expected)
    {
        var files = 0;
        for (var i = 0; i < 50 && files < expected; i++)
        {
            files = Directory.GetFiles(directory, "*.eml").Length;
            if (files < expected)
                await Task.Delay(100);
        }
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MembershipPortal.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("MembershipPortal.sln not found");
    }
}
