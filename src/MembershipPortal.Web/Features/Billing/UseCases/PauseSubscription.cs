using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Pauses for 1-3 months after the paid period; with Stripe, collection pauses (<c>pause_collection</c>) until then.</summary>
/// <param name="OnBehalf">Set by /admin/members: the Owner or Staff pause for the member (checked and audited once, as an admin action).</param>
public sealed record PauseSubscription(string MemberId, Guid SubscriptionId, int Months, bool OnBehalf = false) : IUseCaseRequest
{
    public UseCase Describe() => OnBehalf
        ? UseCase.Admin("member.subscription.pause", MemberId)
        : UseCase.ForMember("member.subscription", MemberId);
}

public sealed class PauseSubscriptionHandler(IPaymentGateway gateway) : IUseCaseHandler<PauseSubscription>
{
    public async Task<string> RunAsync(PauseSubscription request, UseCaseScope uc)
    {
        var (db, ct, months) = (uc.Db, uc.Ct, request.Months);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        PauseLimit.Ensure(months, "months");
        var productIds = sub.Items.Select(i => i.ProductId).ToList();
        if (!await db.Products.AnyAsync(p => productIds.Contains(p.Id) && p.AllowPause, ct))
            throw new DomainException("This subscription cannot be paused.");
        var until = sub.CurrentPeriodEnd.AddMonths(months);
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
        if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            await gateway.PauseSubscriptionAsync(gid, until, $"pause:{sub.Id}:{sub.Version}", ct);
        sub.Pause(until, uc.Now);
        if (request.OnBehalf)
            uc.AuditSummary = $"Paused subscription {request.SubscriptionId} for {months} month(s)";
        return BillingSteps.Done(uc, sub, $"Paused until {until:d MMM yyyy}. You will not be charged until then.");
    }
}
