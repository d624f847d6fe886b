using MembershipPortal.Infrastructure.Telemetry;
using Quartz;

namespace MembershipPortal.Web.Features.Billing;

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
