using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Email;

/// <summary>Sends through an SMTP server with MailKit.</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        await using var session = await OpenSessionAsync(cancellationToken);
        await session.SendAsync(message, cancellationToken);
    }

    /// <summary>One connection for many messages; a broken connection is reopened once for the next message.</summary>
    public async Task<IEmailSession> OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        var session = new Session(options.Value);
        await session.ConnectAsync(cancellationToken);
        return session;
    }

    private sealed class Session(EmailOptions o) : IEmailSession
    {
        private readonly SmtpClient client = new();

        public async Task ConnectAsync(CancellationToken ct)
        {
            var security = o.Smtp.UseTls
                ? (o.Smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls)
                : SecureSocketOptions.None;
            await client.ConnectAsync(o.Smtp.Host ?? throw new InvalidOperationException("Email:Smtp:Host is not set."), o.Smtp.Port, security, ct);
            if (!string.IsNullOrEmpty(o.Smtp.Username))
                await client.AuthenticateAsync(o.Smtp.Username, o.Smtp.Password ?? "", ct);
        }

        public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            if (!client.IsConnected)
                await ConnectAsync(cancellationToken);
            await client.SendAsync(MimeBuilder.Build(message, o), cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                    await client.DisconnectAsync(true);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or OperationCanceledException)
            {
                // The messages were accepted already; a failed QUIT changes nothing.
            }
            client.Dispose();
        }
    }
}
