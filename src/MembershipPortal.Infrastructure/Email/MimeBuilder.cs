using MimeKit;

namespace MembershipPortal.Infrastructure.Email;

internal static class MimeBuilder
{
    public static MimeMessage Build(EmailMessage message, EmailOptions options)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(options.FromName, options.From));
        mime.To.Add(new MailboxAddress(message.ToName ?? "", message.To));
        mime.Subject = message.Subject;
        if (message.MessageId is not null)
            mime.MessageId = message.MessageId;
        foreach (var (name, value) in message.Headers ?? new Dictionary<string, string>())
            mime.Headers.Replace(name, value);
        mime.Body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody }.ToMessageBody();
        return mime;
    }
}
