using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Ends a comp now; Stripe's billing, paused for it, resumes.</summary>
public sealed record EndMemberComp(string MemberId, Guid CompId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.comp.end", MemberId);
}

public sealed class EndMemberCompHandler(IPaymentGateway gateway) : IUseCaseHandler<EndMemberComp>
{
    public async Task<string> RunAsync(EndMemberComp request, UseCaseScope uc)
    {
        var (db, now, ct) = (uc.Db, uc.Now, uc.Ct);
        var comp = await db.Comps.FirstOrDefaultAsync(c => c.Id == request.CompId && c.MemberId == request.MemberId, ct)
            ?? throw new UseCaseRefused("This comp no longer exists.");
        // Stripe's billing, paused for this comp, resumes now.
        var paused = comp.Until is { } compEnd
            ? (await CompMemberHandler.StripeBilledAsync(gateway, db, request.MemberId, comp.ProductId, SubscriptionStatus.Paused, ct))
                .Where(b => b.Sub.PausedUntil == compEnd).ToList()
            : [];
        try
        {
            foreach (var (sub, gid) in paused)
            {
                await gateway.PauseSubscriptionAsync(gid, null, $"comp-resume:{sub.Id}:{sub.Version}", ct);
                sub.Resume(now);
            }
        }
        catch (Infrastructure.Payments.Stripe.PaymentGatewayException ex)
        {
            throw new UseCaseRefused($"Stripe refused to resume the billing, so the comp goes on: {ex.Message}");
        }
        uc.AuditBefore = comp.Until is { } until ? Words.DateTime(until) : "no end";
        uc.AuditAfter = Words.DateTime(now);
        uc.AuditSummary = "Ended a comp";
        comp.Until = now;
        return "Comp ended.";
    }
}
