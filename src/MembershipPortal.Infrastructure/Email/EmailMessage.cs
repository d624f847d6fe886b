namespace MembershipPortal.Infrastructure.Email;

/// <summary>One email with both an HTML and a plain-text body. <paramref name="MessageId"/> is fixed per outbox row so a resend is recognisable.</summary>
public sealed record EmailMessage(string To, string Subject, string HtmlBody, string TextBody, string? MessageId = null, string? ToName = null);

/// <summary>The one email port: Identity and every later notice send through it.</summary>
public interface IEmailTransport
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
