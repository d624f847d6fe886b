using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>Test gateway: replaces the card on file and, if a payment is overdue, retries it at once.</summary>
public sealed record UpdateCard(string MemberId, string Email, CardDetails Card) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.card.update", MemberId);
}

public sealed class UpdateCardHandler(IPaymentGateway gateway, RenewalRun renewals) : IUseCaseHandler<UpdateCard>
{
    public async Task<string> RunAsync(UpdateCard request, UseCaseScope uc)
    {
        if (gateway.UsesHostedPages)
            throw new UseCaseRefused("Cards are updated on Stripe's secure page.");
        var (db, ct, now, memberId) = (uc.Db, uc.Ct, uc.Now, request.MemberId);
        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        var customerId = profile?.CustomerId ?? await gateway.EnsureCustomerAsync(new CustomerRequest(memberId, request.Email, null, $"customer:{memberId}"), ct);
        var attached = await gateway.AttachCardAsync(customerId, request.Card, ct);
        if (!attached.Succeeded)
            throw new UseCaseRefused(attached.FailureMessage ?? "That card could not be used.");
        if (profile is null)
            db.BillingProfiles.Add(profile = new BillingProfile { MemberId = memberId, Gateway = gateway.Name });
        profile.CustomerId = customerId;
        (profile.CardBrand, profile.CardLast4, profile.CardExpMonth, profile.CardExpYear, profile.TestCardToken, profile.UpdatedAt) =
            (attached.Brand, attached.Last4, attached.ExpMonth, attached.ExpYear, attached.Token, now);
        // The new card is kept even if the overdue payment then fails, and the retry reads it from the database.
        await db.SaveChangesAsync(ct);

        var overdue = await db.Subscriptions.Include(s => s.Items)
            .Where(s => s.MemberId == memberId && (s.Status == SubscriptionStatus.PastDue || s.Status == SubscriptionStatus.Unpaid)).ToListAsync(ct);
        var recovered = 0;
        foreach (var sub in overdue)
            if (await renewals.CollectAsync(db, sub, now, $"card-update:{sub.Id}:{sub.Version}", "subscription_retry", ct))
                recovered++;
        uc.AuditSummary = $"Updated the card on file to {attached.Brand} ending {attached.Last4}";
        return recovered > 0 ? "Card updated and your overdue payment went through. Thank you!" : $"Card updated: {attached.Brand} ending {attached.Last4}.";
    }
}
