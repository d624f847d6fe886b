using System.Net;
using System.Text.Json;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace MembershipPortal.Web.Tests.Operations;

/// <summary>/health/live and /health/ready, each failure mode on its own portal (each one breaks something).</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Live_ProcessRuns_Answers200()
    {
        using var factory = new PortalFactory();
        var response = await factory.CreateBrowserlessClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_EverythingFine_Answers200WithEachCheck()
    {
        using var factory = new PortalFactory();
        var (status, report) = await ReadyAsync(factory);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal(["database", "migrations", "outbox"], Checks(report).Keys.Order());
        Assert.All(Checks(report).Values, c => Assert.Equal("Healthy", c.Status));
    }

    [Fact]
    public async Task Ready_MigrationPending_Answers503NamingIt()
    {
        using var factory = new PortalFactory();
        string latest;
        await using (var db = await DbAsync(factory))
        {
            latest = (await db.Database.GetAppliedMigrationsAsync()).Last();
            // As if this build carried a migration the database has not had yet.
            await db.Database.ExecuteSqlAsync($"DELETE FROM __EFMigrationsHistory WHERE MigrationId = {latest}");
        }

        var (status, report) = await ReadyAsync(factory);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var migrations = Checks(report)["migrations"];
        Assert.Equal("Unhealthy", migrations.Status);
        Assert.Contains(latest, migrations.Description);
        Assert.Equal("Healthy", Checks(report)["database"].Status);
    }

    [Fact]
    public async Task Ready_OldestUnsentEmailPastLimit_Answers503NamingOutbox()
    {
        using var factory = new PortalFactory();
        await QueueEmailAsync(factory, "stuck");
        factory.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, report) = await ReadyAsync(factory);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var outbox = Checks(report)["outbox"];
        Assert.Equal("Unhealthy", outbox.Status);
        Assert.Contains("16 min", outbox.Description);
    }

    [Fact]
    public async Task Ready_OldEmailAlreadySent_Answers200()
    {
        using var factory = new PortalFactory();
        await QueueEmailAsync(factory, "sent", OutboxStatus.Sent);
        factory.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);
    }

    [Fact]
    public async Task Ready_OutboxLimitConfigured_UsesIt()
    {
        using var factory = new PortalFactory();
        factory.WithSetting("Operations:Health:OutboxMaxAgeMinutes", "60");
        await QueueEmailAsync(factory, "slow");
        factory.Clock.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);

        factory.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyAsync(factory)).Status);
    }

    [Fact]
    public async Task Health_OldUnsentEmail_StaysAsBefore()
    {
        // /health keeps its one database check: readiness checks do not change its answer.
        using var factory = new PortalFactory();
        await QueueEmailAsync(factory, "stuck");
        factory.Clock.Advance(TimeSpan.FromHours(1));

        var response = await factory.CreateBrowserlessClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_DatabaseUnreachable_Answers503WithoutSecrets()
    {
        using var factory = new PortalFactory();
        var client = factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);

        // The database file is replaced by a folder of that name: every new connection fails to open it.
        var file = Path.Combine(factory.Root, "portal.db");
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(file + suffix);
        Directory.CreateDirectory(file);

        var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        var report = JsonDocument.Parse(body).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", Checks(report)["database"].Status);
        Assert.Equal("Unhealthy", Checks(report)["migrations"].Status);
        Assert.DoesNotContain(factory.Root, body);
        Assert.DoesNotContain("Data Source", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("portal.db", body);
    }

    [Fact]
    public async Task Ready_JobsEnabledSchedulerStopped_Answers503NamingScheduler()
    {
        using var factory = new PortalFactory();
        factory.WithSetting("Jobs:Enabled", "true").WithSetting("Jobs:Store", "Memory");
        var (status, report) = await ReadyAsync(factory);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Checks(report)["scheduler"].Status);

        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        (status, report) = await ReadyAsync(factory);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Checks(report)["scheduler"].Status);
        Assert.Contains("Standby", Checks(report)["scheduler"].Description);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Report)> ReadyAsync(PortalFactory factory)
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/health/ready");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private static Dictionary<string, (string Status, string Description)> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString() ?? ""));

    private static async Task<AppDbContext> DbAsync(PortalFactory factory) =>
        await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private static async Task QueueEmailAsync(PortalFactory factory, string key, OutboxStatus status = OutboxStatus.Queued)
    {
        await using var db = await DbAsync(factory);
        var row = OutboxMessage.Create("health:" + key, "test", new EmailMessage("someone@example.test", "Hello", "<p>x</p>", "x"), factory.Clock.GetUtcNow());
        row.Status = status;
        db.Outbox.Add(row);
        await db.SaveChangesAsync();
    }
}
