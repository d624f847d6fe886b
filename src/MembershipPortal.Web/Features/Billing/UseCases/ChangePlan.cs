using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>
/// Moves the subscription's main item to another price: an upgrade at once with the proration charged, a downgrade
/// now or at the period end per the billing settings; with Stripe the Stripe item moves and Stripe invoices the proration.
/// </summary>
/// <param name="OnBehalf">Set by /admin/members: the Owner or Staff change the plan for the member (checked and audited once, as an admin action).</param>
public sealed record ChangePlan(string MemberId, Guid SubscriptionId, Guid PriceId, bool OnBehalf = false) : IUseCaseRequest
{
    public UseCase Describe() => OnBehalf
        ? UseCase.Admin("member.subscription.change-plan", MemberId)
        : UseCase.ForMember("member.plan.change", MemberId);
}

public sealed class ChangePlanHandler(BillingService billing, BillingSteps steps, IPaymentGateway gateway) : IUseCaseHandler<ChangePlan>
{
    public async Task<string> RunAsync(ChangePlan request, UseCaseScope uc)
    {
        var (db, ct, now) = (uc.Db, uc.Ct, uc.Now);
        var preview = await billing.PreviewChangeAsync(request.MemberId, request.SubscriptionId, request.PriceId, ct)
            ?? throw new UseCaseRefused("That plan is not available for this subscription.");
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == sub.Id, ct);
        var (item, _) = await BillingSteps.MainItemAsync(db, sub, ct);
        var price = await db.Prices.SingleAsync(p => p.Id == request.PriceId, ct);
        var priceId = request.PriceId;
        if (request.OnBehalf)
            uc.AuditSummary = $"Changed the plan of subscription {request.SubscriptionId} to price {priceId}";
        // Stripe bills the subscription: an immediate change moves its item to the new price with the proration invoiced
        // now (a downgrade's unused time becomes Stripe credit on the next invoice); the ledger follows its webhooks.
        if (preview.Immediate && gateway.UsesHostedPages && record.GatewaySubscriptionId is { } gid)
        {
            var ids = await db.Prices.AsNoTracking().Where(p => p.Id == priceId || p.Id == item.PriceId)
                .Select(p => new { p.Id, Gateway = EF.Property<string?>(p, StripeCatalogSync.PriceIdColumn) }).ToListAsync(ct);
            var (from, to) = (ids.FirstOrDefault(x => x.Id == item.PriceId)?.Gateway, ids.FirstOrDefault(x => x.Id == priceId)?.Gateway);
            if (from is null || to is null)
                throw new UseCaseRefused("That plan is not set up with the payment provider yet; try again later.");
            try
            {
                await gateway.UpdateSubscriptionAsync(new SubscriptionUpdateRequest(gid,
                    [new SubscriptionItemChange(null, to, item.Quantity, ReplacesGatewayPriceId: from)], ProrateNow: true, $"change:{sub.Id}:{sub.Version}:{priceId}"), ct);
            }
            catch (Exception ex) when (ex is Infrastructure.Payments.Stripe.PaymentGatewayException or HttpRequestException)
            {
                throw new UseCaseRefused($"The plan could not be changed just now, so nothing changed: {ex.Message}");
            }
            sub.ChangePlan(item.Id, price, now, soldByGateway: true);
            uc.AuditSummary ??= $"Changed subscription {sub.Id} to {preview.Target.ProductName} through Stripe, prorated";
            return $"You are now on {preview.Target.ProductName}. Stripe invoices the difference for the rest of this period.";
        }
        if (preview.Target.IsUpgrade && preview.Immediate)
        {
            var due = sub.Status == SubscriptionStatus.Trialing ? Money.Zero(price.Terms.Currency) : preview.Proration.AmountDueNow;
            var paid = await steps.ChargeAsync(db, sub, due, $"change:{sub.Id}:{sub.Version}:{priceId}", $"Upgrade to {preview.Target.ProductName}", "subscription_update", now, ct);
            if (paid is not null)
                throw new UseCaseRefused(paid);
            sub.ChangePlan(item.Id, price, now);
            uc.AuditSummary ??= $"Upgraded subscription {sub.Id} to {preview.Target.ProductName}, charged {due.Display()}";
            return $"You are now on {preview.Target.ProductName}.";
        }
        if (!preview.Immediate)
        {
            sub.SchedulePlanChange(item.Id, price);
            uc.AuditSummary ??= $"Scheduled subscription {sub.Id} to change to {preview.Target.ProductName} at period end";
            return $"Your plan changes to {preview.Target.ProductName} on {sub.CurrentPeriodEnd:d MMM yyyy}.";
        }
        sub.ChangePlan(item.Id, price, now);
        await steps.RefundCreditAsync(db, sub, preview.Proration.AccountCredit, now, ct);
        uc.AuditSummary ??= $"Changed subscription {sub.Id} to {preview.Target.ProductName} now, credit {preview.Proration.AccountCredit.Display()}";
        return $"You are now on {preview.Target.ProductName}.";
    }
}
