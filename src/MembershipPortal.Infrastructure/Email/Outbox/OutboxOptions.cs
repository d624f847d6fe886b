using System.ComponentModel.DataAnnotations;

namespace MembershipPortal.Infrastructure.Email.Outbox;

/// <summary>How the outbox dispatcher claims, sends and retries (Email:Outbox).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Email:Outbox";

    /// <summary>Rows claimed at once by one worker.</summary>
    [Range(1, 1000)] public int BatchSize { get; set; } = 50;

    /// <summary>Workers sending in parallel within one dispatcher run, each with its own SMTP connection.</summary>
    [Range(1, 16)] public int Parallelism { get; set; } = 2;

    /// <summary>How long a claim lasts; a dispatcher that died holding rows releases them when it runs out.</summary>
    [Range(10, 3600)] public int LeaseSeconds { get; set; } = 300;

    /// <summary>First retry delay after a failed send; doubles with every attempt up to <see cref="MaxBackoffSeconds"/>.</summary>
    [Range(1, 3600)] public int BaseBackoffSeconds { get; set; } = 30;

    [Range(1, 86400)] public int MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>Attempts before a row is marked failed (with the defaults, about 18 hours of retrying).</summary>
    [Range(1, 1000)] public int MaxAttempts { get; set; } = 24;
}
