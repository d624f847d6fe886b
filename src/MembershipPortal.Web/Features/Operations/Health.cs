using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Notifications.Jobs;
using MembershipPortal.Web.Features.Shared.Jobs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>Operations:Health:* — what the readiness probe tolerates.</summary>
public sealed class HealthOptions
{
    public const string Section = "Operations:Health";

    /// <summary>The probe fails when the oldest unsent email (queued or being sent) has waited longer than this.</summary>
    [Range(1, 7 * 24 * 60)] public int OutboxMaxAgeMinutes { get; set; } = 15;
}

/// <summary>
/// Three probes. <c>/health</c> (unchanged): the database answers. <c>/health/live</c>: the process runs (no checks;
/// a container restarts on this). <c>/health/ready</c>: the portal can serve — the database answers, no migration is
/// pending, the job scheduler runs (where Jobs:Enabled) and the outbox is not stuck — as JSON naming each check. The
/// descriptions are written here and never carry an exception message, so no connection string or path leaks.
/// </summary>
public static class PortalHealth
{
    /// <summary>Checks only the readiness probe runs (so <c>/health</c> keeps its one database check).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The database check registered with the data-protection and rate-limit set-up.</summary>
    public const string DatabaseCheck = "database";

    public static IHostApplicationBuilder AddPortalHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<PendingMigrationsCheck>("migrations", tags: [ReadyTag])
            .AddCheck<OutboxAgeCheck>("outbox", tags: [ReadyTag]);
        if (builder.Configuration.GetValue(JobsOptions.Section + ":Enabled", true))
            checks.AddCheck<SchedulerCheck>("scheduler", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>The readiness rule: which registered checks <c>/health/ready</c> runs.</summary>
    public static bool IsReadinessCheck(HealthCheckRegistration check) => check.Name == DatabaseCheck || check.Tags.Contains(ReadyTag);

    public static WebApplication MapPortalProbes(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = IsReadinessCheck, ResponseWriter = WriteJsonAsync });
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>{ status, checks: [{ name, status, description }] }; a check that threw says only that it threw.</summary>
    internal static Task WriteJsonAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Exception is not null ? $"The check failed ({e.Value.Exception.GetType().Name})."
                    : e.Value.Description ?? (e.Key == DatabaseCheck
                        ? e.Value.Status == HealthStatus.Healthy ? "The database answers." : "The database cannot be reached."
                        : null),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

/// <summary>Ready only when the database has every migration this build carries (start-up applies them).</summary>
public sealed class PendingMigrationsCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("No migration is pending.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: {string.Join(", ", pending)}. Restart the portal to apply them.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Cannot tell: the migrations history could not be read.");
        }
    }
}

/// <summary>Ready only when the oldest unsent email (queued or being sent) is younger than Operations:Health:OutboxMaxAgeMinutes.</summary>
public sealed class OutboxAgeCheck(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = TimeSpan.FromMinutes(options.Value.OutboxMaxAgeMinutes);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var oldest = await db.Outbox.AsNoTracking()
                .Where(m => m.Status == OutboxStatus.Queued || m.Status == OutboxStatus.Sending)
                .OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (oldest is not { } createdAt)
                return HealthCheckResult.Healthy("No email is waiting.");
            var age = clock.GetUtcNow() - createdAt;
            return age <= limit
                ? HealthCheckResult.Healthy($"The oldest unsent email has waited {Minutes(age)} (limit {Minutes(limit)}).")
                : HealthCheckResult.Unhealthy($"The oldest unsent email has waited {Minutes(age)}, over the {Minutes(limit)} limit: is the mail server reachable and the dispatcher running?");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Cannot tell: the outbox could not be read.");
        }
    }

    private static string Minutes(TimeSpan span) => $"{Math.Max(0, (int)span.TotalMinutes)} min";
}

/// <summary>Registered only where Jobs:Enabled: ready only while this instance's Quartz scheduler is started and not paused.</summary>
public sealed class SchedulerCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        if (status != SchedulerStatus.Running)
            return HealthCheckResult.Unhealthy($"The job scheduler is not running ({status}): no job runs.");
        return HealthCheckResult.Healthy("The job scheduler runs.");
    }
}
