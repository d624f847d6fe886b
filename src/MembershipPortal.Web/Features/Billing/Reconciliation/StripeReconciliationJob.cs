using MembershipPortal.Infrastructure.Telemetry;
using Quartz;

namespace MembershipPortal.Web.Features.Billing.Reconciliation;

/// <summary>Quartz job, nightly: replays Stripe events the webhooks missed, then compares the portal with Stripe.</summary>
[DisallowConcurrentExecution]
public sealed class StripeReconciliationJob(StripeReconciliation reconciliation, ILogger<StripeReconciliationJob> logger) : IJob
{
    public static readonly JobKey Key = new("stripe-reconciliation", "billing");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!reconciliation.Available)
            return;
        using var span = PortalTelemetry.StartJob(Key.Name);
        try
        {
            await reconciliation.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Stripe unreachable tonight: tomorrow's run reads from the same watermark, so nothing is lost.
            logger.LogError(ex, "Stripe reconciliation failed.");
        }
    }
}
