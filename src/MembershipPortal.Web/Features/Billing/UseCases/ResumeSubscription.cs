using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Undoes a cancellation at the period end before it takes effect ("Resume subscription").</summary>
public sealed record ResumeSubscription(string MemberId, Guid SubscriptionId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class ResumeSubscriptionHandler(IPaymentGateway gateway) : IUseCaseHandler<ResumeSubscription>
{
    public async Task<string> RunAsync(ResumeSubscription request, UseCaseScope uc)
    {
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var record = await uc.Db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, uc.Ct);
        if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            await gateway.CancelSubscriptionAsync(gid, CancelMode.UndoAtPeriodEnd, $"uncancel:{sub.Id}:{sub.Version}", uc.Ct);
        sub.UndoCancel(uc.Now);
        return BillingSteps.Done(uc, sub, $"Welcome back! Your subscription renews on {sub.CurrentPeriodEnd:d MMM yyyy}.");
    }
}
