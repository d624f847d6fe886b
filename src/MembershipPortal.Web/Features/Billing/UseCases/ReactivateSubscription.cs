using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Starts an ended subscription again on its old prices, charging the first period now.</summary>
public sealed record ReactivateSubscription(string MemberId, Guid SubscriptionId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class ReactivateSubscriptionHandler(BillingSteps steps) : IUseCaseHandler<ReactivateSubscription>
{
    public async Task<string> RunAsync(ReactivateSubscription request, UseCaseScope uc)
    {
        var (db, ct, now) = (uc.Db, uc.Ct, uc.Now);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var priceIds = sub.Items.Select(i => i.PriceId).ToList();
        var prices = await db.Prices.Where(p => priceIds.Contains(p.Id)).ToListAsync(ct);
        if (prices.Any(p => p.IsArchived))
            throw new DomainException("Your old plan is no longer offered; choose a current plan on the pricing page.");
        var total = sub.Items.Aggregate(Money.Zero(sub.Currency), (sum, i) => sum + i.GrossPerPeriod);
        var error = await steps.ChargeAsync(db, sub, total, $"reactivate:{sub.Id}:{sub.Version}", "Reactivation", "subscription_create", now, ct);
        if (error is not null)
            throw new DomainException(error);
        sub.Reactivate(now, prices);
        return BillingSteps.Done(uc, sub, "Your subscription is active again.");
    }
}
