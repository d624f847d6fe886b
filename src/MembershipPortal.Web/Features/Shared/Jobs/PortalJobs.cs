using System.ComponentModel.DataAnnotations;
using MembershipPortal.Infrastructure.Data;
using Quartz;

namespace MembershipPortal.Web.Features.Shared.Jobs;

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

public static class PortalJobs
{
    /// <summary>
    /// Quartz with its ADO store in the portal's database: SQLite non-clustered (one instance: SQLite has one writer),
    /// SQL Server clustered, so two instances never run the same job at once. The schema is provisioned at start-up.
    /// Each job is a thin shell around a unit tests call directly with a fake clock; each feature schedules its own jobs
    /// with <see cref="AddPortalJob{TJob}"/> in its DependencyInjection.cs.
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
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>
    /// Schedules <typeparamref name="TJob"/> to run every <paramref name="every"/> (read from Jobs:*) on the portal's
    /// scheduler, from the feature that owns the job. Nothing is scheduled while Jobs:Enabled is false (no scheduler exists).
    /// </summary>
    public static IHostApplicationBuilder AddPortalJob<TJob>(this IHostApplicationBuilder builder, JobKey key, string triggerName, Func<JobsOptions, TimeSpan> every)
        where TJob : IJob
    {
        var interval = every(builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions());
        // Applied to the scheduler whenever AddPortalJobs registers it, so the order of the features' calls does not matter.
        builder.Services.ConfigureAllQuartzSchedulers(q => q.ScheduleJob<TJob>(t => t.WithIdentity(triggerName, key.Group).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
            j => j.WithIdentity(key)));
        return builder;
    }

    /// <summary>Schedules <typeparamref name="TJob"/> once a day at the hour (UTC) that <paramref name="hourUtc"/> reads from Jobs:*.</summary>
    public static IHostApplicationBuilder AddPortalDailyJob<TJob>(this IHostApplicationBuilder builder, JobKey key, string triggerName, Func<JobsOptions, int> hourUtc)
        where TJob : IJob
    {
        var hour = hourUtc(builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions());
        builder.Services.ConfigureAllQuartzSchedulers(q => q.ScheduleJob<TJob>(t => t.WithIdentity(triggerName, key.Group)
                .WithCronSchedule($"0 0 {hour} * * ?", c => c.InTimeZone(TimeZoneInfo.Utc)),
            j => j.WithIdentity(key)));
        return builder;
    }
}
