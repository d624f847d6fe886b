using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Ends a pause now ("Resume now"); a pause that outlasted the period collects the new period's payment.</summary>
/// <param name="OnBehalf">Set by /admin/members: the Owner or Staff resume it for the member (checked and audited once, as an admin action).</param>
public sealed record UnpauseSubscription(string MemberId, Guid SubscriptionId, bool OnBehalf = false) : IUseCaseRequest
{
    public UseCase Describe() => OnBehalf
        ? UseCase.Admin("member.subscription.unpause", MemberId)
        : UseCase.ForMember("member.subscription", MemberId);
}

public sealed class UnpauseSubscriptionHandler(IPaymentGateway gateway, RenewalRun renewals) : IUseCaseHandler<UnpauseSubscription>
{
    public async Task<string> RunAsync(UnpauseSubscription request, UseCaseScope uc)
    {
        var (db, ct, now) = (uc.Db, uc.Ct, uc.Now);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
        if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            await gateway.PauseSubscriptionAsync(gid, null, $"unpause:{sub.Id}:{sub.Version}", ct);
        var lapsed = now >= sub.CurrentPeriodEnd;
        sub.Resume(now);
        if (request.OnBehalf)
            uc.AuditSummary = $"Resumed subscription {request.SubscriptionId}";
        if (lapsed && !await renewals.CollectAsync(db, sub, now, $"unpause:{sub.Id}:{sub.Version}", "subscription_cycle", ct))
            return BillingSteps.Done(uc, sub, "Resumed, but the payment for the new period failed. Update your card to keep access.");
        return BillingSteps.Done(uc, sub, "Your subscription is active again.");
    }
}
