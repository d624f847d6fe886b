using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>
/// The cancel dialog's discount offer, accepted: the Owner's percent off the next months' renewals, once per subscription
/// and not on top of a discount still running. With Stripe it becomes a repeating coupon on the Stripe subscription
/// (nothing is recorded if Stripe refuses); the test gateway's renewals take it off themselves.
/// </summary>
public sealed record AcceptSaveDiscount(string MemberId, Guid SubscriptionId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class AcceptSaveDiscountHandler(BillingSettings settings, IPaymentGateway gateway) : IUseCaseHandler<AcceptSaveDiscount>
{
    public async Task<string> RunAsync(AcceptSaveDiscount request, UseCaseScope uc)
    {
        var (db, ct) = (uc.Db, uc.Ct);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var policy = await settings.GetAsync(ct);
        if (!policy.OffersDiscount)
            throw new DomainException("There is no discount on offer.");
        if (sub.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
            throw new DomainException("Only an active subscription can take the discount.");
        if (await SaveDiscounts.GetAsync(db, sub.Id, ct) is not null)
            throw new DomainException("This subscription has already had the save offer.");
        var next = sub.CurrentPeriodEnd;
        if (sub.Items.Any(i => i.Coupon is { } c && c.AppliesToPeriodStarting(next, sub.TrialEnd ?? sub.StartedAt)))
            throw new DomainException("Your subscription already has a discount running.");
        var offer = new SaveDiscount(policy.SaveOfferPercent, policy.SaveOfferMonths, next);
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
        if (gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
        {
            try
            {
                await gateway.ApplyRepeatingDiscountAsync(gid, offer.Percent, offer.Months, $"save-discount:{sub.Id:N}", ct);
            }
            catch (Exception ex) when (ex is Infrastructure.Payments.Stripe.PaymentGatewayException or HttpRequestException)
            {
                throw new DomainException($"The discount could not be applied just now, so nothing changed: {ex.Message}");
            }
        }
        SaveDiscounts.Add(db, sub.Id, offer, uc.Now);
        return BillingSteps.Done(uc, sub, $"Thank you for staying! You get {offer.Describe()}, from your next payment on {next:d MMM yyyy}.");
    }
}
