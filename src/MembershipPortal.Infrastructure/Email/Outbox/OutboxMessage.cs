namespace MembershipPortal.Infrastructure.Email.Outbox;

public enum OutboxStatus
{
    /// <summary>Waiting for <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Queued,

    /// <summary>Claimed by a dispatcher until <see cref="OutboxMessage.LeaseUntil"/>; after that any dispatcher may take it again.</summary>
    Sending,
    Sent,

    /// <summary>Gave up after the maximum number of attempts; the Owner can queue it again.</summary>
    Failed,
}

/// <summary>
/// One email to send, written in the same SaveChanges as the change that causes it. <see cref="DedupKey"/> is unique
/// (for example <c>dunning:{subscription}:{run}:{step}</c>), so the same notice is never queued twice. The message is
/// rendered when queued: it says what was true at that moment.
/// </summary>
public class OutboxMessage
{
    public Guid Id { get; set; }
    public required string DedupKey { get; set; }

    /// <summary>The notice kind (payment-failed, receipt ...), for the admin views.</summary>
    public required string Kind { get; set; }
    public string? MemberId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public required string ToAddress { get; set; }
    public string? ToName { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public required string TextBody { get; set; }

    /// <summary>Marketing notices only: the one-click unsubscribe address for the List-Unsubscribe headers.</summary>
    public string? UnsubscribeUrl { get; set; }
    public OutboxStatus Status { get; set; } = OutboxStatus.Queued;
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public Guid? ClaimToken { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }

    public static OutboxMessage Create(string dedupKey, string kind, EmailMessage email, DateTimeOffset now,
        string? memberId = null, Guid? subscriptionId = null, string? unsubscribeUrl = null) => new()
        {
            Id = Guid.CreateVersion7(now),
            DedupKey = dedupKey,
            Kind = kind,
            MemberId = memberId,
            SubscriptionId = subscriptionId,
            ToAddress = email.To,
            ToName = email.ToName,
            Subject = email.Subject,
            HtmlBody = email.HtmlBody,
            TextBody = email.TextBody,
            UnsubscribeUrl = unsubscribeUrl,
            CreatedAt = now,
            NextAttemptAt = now,
        };
}

/// <summary>An Owner-edited subject and body for one notice kind; a kind without a row uses the built-in text.</summary>
public class NoticeTemplateRecord
{
    public required string Kind { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An address that unsubscribed from marketing notices (win-back); transactional notices still go.</summary>
public class EmailOptOut
{
    /// <summary>Upper-cased address.</summary>
    public required string NormalizedEmail { get; set; }
    public string? MemberId { get; set; }
    public DateTimeOffset At { get; set; }
}
