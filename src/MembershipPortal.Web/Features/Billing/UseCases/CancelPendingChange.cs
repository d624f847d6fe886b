using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>"Keep my current plan": drops a plan change scheduled for the period end.</summary>
public sealed record CancelPendingChange(string MemberId, Guid SubscriptionId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class CancelPendingChangeHandler : IUseCaseHandler<CancelPendingChange>
{
    public async Task<string> RunAsync(CancelPendingChange request, UseCaseScope uc)
    {
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        sub.CancelScheduledChange();
        return BillingSteps.Done(uc, sub, "The scheduled plan change was cancelled.");
    }
}
