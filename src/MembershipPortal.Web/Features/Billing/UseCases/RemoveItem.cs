using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Removes an add-on now; no refund for the rest of the period (it stops at the next renewal).</summary>
public sealed record RemoveItem(string MemberId, Guid SubscriptionId, Guid ItemId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class RemoveItemHandler : IUseCaseHandler<RemoveItem>
{
    public async Task<string> RunAsync(RemoveItem request, UseCaseScope uc)
    {
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        sub.RemoveItem(request.ItemId, uc.Now);
        return BillingSteps.Done(uc, sub, "Removed. It will not be charged at your next renewal.");
    }
}
