using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Cancels a member's subscription at once (access ends now); at the gateway too when Stripe bills it.</summary>
public sealed record CancelSubscriptionNow(string MemberId, Guid SubscriptionId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.subscription.cancel-now", MemberId);
}

public sealed class CancelSubscriptionNowHandler(IPaymentGateway gateway) : IUseCaseHandler<CancelSubscriptionNow>
{
    public async Task<string> RunAsync(CancelSubscriptionNow request, UseCaseScope uc)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        var sub = await OwnedSubscription.FindAsync(db, request.MemberId, request.SubscriptionId, ct) ?? throw new UseCaseRefused("Subscription not found.");
        var record = await db.SubscriptionRecords.FirstOrDefaultAsync(r => r.SubscriptionId == sub.Id, ct);
        if (gateway.UsesHostedPages && record?.GatewaySubscriptionId is { } gid)
            await gateway.CancelSubscriptionAsync(gid, CancelMode.Immediately, $"staff-cancel:{sub.Id}:{sub.Version}", ct);
        uc.AuditBefore = Words.Of(sub.Status);
        sub.CancelNow(uc.Now, "Cancelled by staff");
        (uc.AuditSummary, uc.AuditAfter) = ($"Cancelled subscription {sub.Id} at once", Words.Of(sub.Status));
        return "Subscription cancelled; access has ended.";
    }
}
