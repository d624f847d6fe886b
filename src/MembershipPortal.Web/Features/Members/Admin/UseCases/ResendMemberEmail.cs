using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Queues a copy of an email the member was sent (a fresh outbox row; the original stays as it was).</summary>
public sealed record ResendMemberEmail(string MemberId, Guid OutboxId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.email.resend", MemberId);
}

public sealed class ResendMemberEmailHandler : IUseCaseHandler<ResendMemberEmail>
{
    public async Task<string> RunAsync(ResendMemberEmail request, UseCaseScope uc)
    {
        var original = await uc.Db.Outbox.AsNoTracking().FirstOrDefaultAsync(o => o.Id == request.OutboxId && o.MemberId == request.MemberId, uc.Ct)
            ?? throw new UseCaseRefused("That email is not in this member's history.");
        uc.Db.Outbox.Add(OutboxMessage.Create($"resend:{original.Id:N}:{Guid.NewGuid():N}", original.Kind,
            new EmailMessage(original.ToAddress, original.Subject, original.HtmlBody, original.TextBody, ToName: original.ToName),
            uc.Now, request.MemberId, original.SubscriptionId, original.UnsubscribeUrl));
        uc.AuditSummary = $"Resent the “{original.Kind}” email";
        return "Email queued again.";
    }
}
