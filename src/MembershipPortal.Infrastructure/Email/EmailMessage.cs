namespace MembershipPortal.Infrastructure.Email;

/// <summary>
/// One email with both an HTML and a plain-text body. <paramref name="MessageId"/> is fixed per outbox row so a resend
/// is recognisable; <paramref name="Headers"/> carries extra headers such as <c>List-Unsubscribe</c>.
/// </summary>
public sealed record EmailMessage(
    string To, string Subject, string HtmlBody, string TextBody, string? MessageId = null, string? ToName = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>The one email port: Identity and every later notice send through it.</summary>
public interface IEmailTransport
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// A session for sending many messages in a row (the outbox dispatcher's batches). SMTP keeps one connection open
    /// for the whole session; the default sends each message on its own.
    /// </summary>
    Task<IEmailSession> OpenSessionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IEmailSession>(new PerMessageSession(this));

    private sealed class PerMessageSession(IEmailTransport transport) : IEmailSession
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) => transport.SendAsync(message, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public interface IEmailSession : IAsyncDisposable
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
