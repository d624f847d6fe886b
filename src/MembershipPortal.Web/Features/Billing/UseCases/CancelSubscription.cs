using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Cancels at the end of the paid period (access until then), with the member's reason; with Stripe, <c>cancel_at_period_end</c>.</summary>
/// <param name="OnBehalf">Set by /admin/members: the Owner or Staff cancel for the member (checked and audited once, as an admin action).</param>
public sealed record CancelSubscription(string MemberId, Guid SubscriptionId, string Reason, string? Feedback, bool OnBehalf = false) : IUseCaseRequest
{
    public static readonly string[] Reasons = ["Too expensive", "Not using it enough", "Missing a feature I need", "Switching to something else", "Other"];

    /// <summary>The Owner or Staff cancelling at the period end from /admin/members: no reason is asked.</summary>
    public static CancelSubscription ByStaff(string memberId, Guid subscriptionId) => new(memberId, subscriptionId, "Other", "Cancelled by staff", OnBehalf: true);

    public UseCase Describe() => OnBehalf
        ? UseCase.Admin("member.subscription.cancel-at-period-end", MemberId)
        : UseCase.ForMember("member.subscription", MemberId);
}

public sealed class CancelSubscriptionHandler(IPaymentGateway gateway, NoticeQueue notices) : IUseCaseHandler<CancelSubscription>
{
    public async Task<string> RunAsync(CancelSubscription request, UseCaseScope uc)
    {
        var (db, ct, now) = (uc.Db, uc.Ct, uc.Now);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        if (!CancelSubscription.Reasons.Contains(request.Reason))
            throw new DomainException("Choose a reason for cancelling.");
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
        if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
            await gateway.CancelSubscriptionAsync(gid, CancelMode.AtPeriodEnd, $"cancel:{sub.Id}:{sub.Version}", ct);
        sub.ScheduleCancel(request.Reason, now);
        var feedback = request.Feedback;
        record.CancelFeedback = string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim()[..Math.Min(feedback.Trim().Length, 2000)];
        await notices.QueueAsync(db, NoticeKind.CancellationConfirmed, NoticeQueue.Keys.Cancellation(sub.Id, sub.Version), sub, now, ct: ct);
        if (request.OnBehalf)
            uc.AuditSummary = $"Cancelled subscription {request.SubscriptionId} at the period end";
        return BillingSteps.Done(uc, sub, $"Your subscription is cancelled. You keep access until {sub.CurrentPeriodEnd:d MMM yyyy}.");
    }
}
