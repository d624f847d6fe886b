using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Changes an item's quantity; extra units are charged now for the rest of the period.</summary>
public sealed record ChangeQuantity(string MemberId, Guid SubscriptionId, Guid ItemId, int Quantity) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class ChangeQuantityHandler(BillingSteps steps) : IUseCaseHandler<ChangeQuantity>
{
    public async Task<string> RunAsync(ChangeQuantity request, UseCaseScope uc)
    {
        var (quantity, now) = (request.Quantity, uc.Now);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var item = sub.Items.FirstOrDefault(i => i.Id == request.ItemId) ?? throw new DomainException("That item is not on this subscription.");
        QuantityLimit.Ensure(quantity);
        if (quantity > item.Quantity)
        {
            var share = BillingSteps.ProratedShare(sub, item.Terms, quantity - item.Quantity, now);
            var error = await steps.ChargeAsync(uc.Db, sub, share, $"qty:{sub.Id}:{sub.Version}:{quantity}", "Extra quantity (rest of this period)", "subscription_update", now, uc.Ct);
            if (error is not null)
                throw new DomainException(error);
        }
        sub.ChangeQuantity(request.ItemId, quantity, now);
        return BillingSteps.Done(uc, sub, $"Quantity changed to {quantity}.");
    }
}
