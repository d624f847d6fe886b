using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Telemetry;
using Quartz;

namespace MembershipPortal.Web.Features.Notifications.Jobs;

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
