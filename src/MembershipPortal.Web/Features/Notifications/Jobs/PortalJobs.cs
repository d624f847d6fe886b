using System.ComponentModel.DataAnnotations;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Telemetry;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using Quartz;

namespace MembershipPortal.Web.Features.Notifications.Jobs;

public enum JobStore
{
    /// <summary>Quartz's ADO store in the portal's database (schema created at start-up); clustered on SQL Server.</summary>
    Persistent,

    /// <summary>Quartz's in-memory store: nothing survives a restart, which the jobs tolerate (they are idempotent and catch up).</summary>
    Memory,
}

/// <summary>Background jobs (Jobs:*). <see cref="Enabled"/> says whether this instance runs them at all.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    public bool Enabled { get; set; } = true;
    public JobStore Store { get; set; } = JobStore.Persistent;

    [Range(1, 1440)] public int RenewalMinutes { get; set; } = 1;
    [Range(1, 3600)] public int DispatchSeconds { get; set; } = 10;
    [Range(1, 1440)] public int NoticeMinutes { get; set; } = 60;
    [Range(1, 1440)] public int BoxCutoffMinutes { get; set; } = 5;

    /// <summary>Hour (UTC) of the nightly Stripe reconciliation; it does nothing unless the provider is Stripe.</summary>
    [Range(0, 23)] public int StripeReconciliationHourUtc { get; set; } = 3;
}

/// <summary>Quartz job: sends due outbox rows.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxDispatchJob(OutboxDispatcher dispatcher, ILogger<OutboxDispatchJob> logger) : IJob
{
    public static readonly JobKey Key = new("outbox-dispatch", "notifications");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var span = PortalTelemetry.StartJob(Key.Name);
        var report = await dispatcher.DispatchDueAsync(cancellationToken);
        if (report != DispatchReport.Empty)
            logger.LogInformation("Outbox: {Report}", report);
    }
}

/// <summary>Quartz job: queues the notices that fall due with time (renewal reminders, trial ending, card expiring, win-back).</summary>
[DisallowConcurrentExecution]
public sealed class NoticeScheduleJob(NoticeRun run, TimeProvider clock, ILogger<NoticeScheduleJob> logger) : IJob
{
    public static readonly JobKey Key = new("scheduled-notices", "notifications");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var span = PortalTelemetry.StartJob(Key.Name);
        var report = await run.RunOnceAsync(clock.GetUtcNow(), cancellationToken);
        if (report != new NoticeRunReport(0, 0, 0, 0))
            logger.LogInformation("Scheduled notices: {Report}", report);
    }
}

public static class PortalJobs
{
    /// <summary>
    /// Quartz with its ADO store in the portal's database: SQLite non-clustered (one instance: SQLite has one writer),
    /// SQL Server clustered, so two instances never run the same job at once. The schema is provisioned at start-up.
    /// Each job is a thin shell around a unit tests call directly with a fake clock.
    /// </summary>
    public static IHostApplicationBuilder AddPortalJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        if (!options.Enabled)
            return builder;

        var provider = builder.Configuration.GetValue(DatabaseOptions.Section + ":Provider", DatabaseProvider.Sqlite);
        var configured = builder.Configuration.GetConnectionString("Portal");
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "MembershipPortal";
                o.GenerateInstanceId = true;
            });
            q.UseDefaultThreadPool(tp => tp.MaxConcurrency = 4);
            if (options.Store == JobStore.Persistent)
            {
                q.UsePersistentStore(store =>
                {
                    store.UseSystemTextJsonSerializer();
                    if (provider == DatabaseProvider.SqlServer)
                    {
                        store.UseSqlServer(configured ?? "");
                        store.UseClustering();
                    }
                    else
                    {
                        store.UseSqlite(Infrastructure.DependencyInjection.SqliteConnectionString(configured, builder.Environment.ContentRootPath));
                    }
                    store.ProvisionSchema();
                });
            }
            else
            {
                q.UseInMemoryStore();
            }

            q.ScheduleJob<RenewalJob>(t => t.WithIdentity("renewals-trigger", "billing").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(options.RenewalMinutes)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(RenewalJob.Key));
            q.ScheduleJob<OutboxDispatchJob>(t => t.WithIdentity("outbox-dispatch-trigger", "notifications").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(options.DispatchSeconds)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(OutboxDispatchJob.Key));
            q.ScheduleJob<NoticeScheduleJob>(t => t.WithIdentity("scheduled-notices-trigger", "notifications").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(options.NoticeMinutes)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(NoticeScheduleJob.Key));
            q.ScheduleJob<BoxCutoffJob>(t => t.WithIdentity("box-cutoff-trigger", "boxes").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(options.BoxCutoffMinutes)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(BoxCutoffJob.Key));
            q.ScheduleJob<Billing.Reconciliation.StripeReconciliationJob>(t => t.WithIdentity("stripe-reconciliation-trigger", "billing")
                    .WithCronSchedule($"0 0 {options.StripeReconciliationHourUtc} * * ?", c => c.InTimeZone(TimeZoneInfo.Utc)),
                j => j.WithIdentity(Billing.Reconciliation.StripeReconciliationJob.Key));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
