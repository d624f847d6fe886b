using System.Diagnostics;
using MailKit.Net.Smtp;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Email.Outbox;

public sealed record DispatchReport(int Sent, int Retrying, int GaveUp)
{
    public static readonly DispatchReport Empty = new(0, 0, 0);

    public static DispatchReport operator +(DispatchReport a, DispatchReport b) => new(a.Sent + b.Sent, a.Retrying + b.Retrying, a.GaveUp + b.GaveUp);
}

/// <summary>
/// Sends queued outbox rows through the email port. A worker claims a batch with one conditional UPDATE (queued and due,
/// or claimed by someone whose lease ran out), so two dispatchers on one database never take the same row; it sends each
/// row with a Message-ID fixed by the row and marks it sent at once, so a crash resends at most the message in flight.
/// A failed send backs off exponentially; nothing is dropped until <see cref="OutboxOptions.MaxAttempts"/>.
/// </summary>
public sealed class OutboxDispatcher(
    IDbContextFactory<AppDbContext> dbFactory, IEmailTransport transport, TimeProvider clock,
    IOptions<OutboxOptions> options, IOptions<EmailOptions> emailOptions, ILogger<OutboxDispatcher> logger)
{
    /// <summary>Sends everything due now, with <see cref="OutboxOptions.Parallelism"/> workers; returns what happened.</summary>
    public async Task<DispatchReport> DispatchDueAsync(CancellationToken ct = default)
    {
        var workers = Enumerable.Range(0, options.Value.Parallelism).Select(_ => WorkAsync(ct)).ToArray();
        return (await Task.WhenAll(workers)).Aggregate(DispatchReport.Empty, (a, b) => a + b);
    }

    /// <summary>Sends the given rows if they are due (used right after queueing an account email, so it does not wait for the job).</summary>
    public Task<DispatchReport> DispatchAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) =>
        ids.Count == 0 ? Task.FromResult(DispatchReport.Empty) : BatchAsync(ids, ct);

    private async Task<DispatchReport> WorkAsync(CancellationToken ct)
    {
        var total = DispatchReport.Empty;
        while (!ct.IsCancellationRequested)
        {
            var report = await BatchAsync(null, ct);
            total += report;
            // Stop when nothing was claimed, or when the server is failing: the backoff decides when to try again.
            if (report.Sent == 0)
                break;
        }
        return total;
    }

    private async Task<DispatchReport> BatchAsync(IReadOnlyCollection<Guid>? only, CancellationToken ct)
    {
        Activity? activity = null;
        try
        {
            var report = await ClaimAndSendAsync(only, a => activity = a, ct);
            activity?.SetTag("outbox.sent", report.Sent);
            activity?.SetTag("outbox.retrying", report.Retrying);
            activity?.SetTag("outbox.gave_up", report.GaveUp);
            return report;
        }
        catch (Exception ex)
        {
            activity.Fail(ex);
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private async Task<DispatchReport> ClaimAndSendAsync(IReadOnlyCollection<Guid>? only, Action<Activity?> started, CancellationToken ct)
    {
        Activity? activity;
        var o = options.Value;
        var token = Guid.NewGuid();
        var claimedAt = clock.GetUtcNow();
        var leaseEnd = claimedAt.AddSeconds(o.LeaseSeconds);
        List<OutboxMessage> rows;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var due = Due(db, claimedAt);
            if (only is not null)
                due = due.Where(m => only.Contains(m.Id));
            var candidates = await due.OrderBy(m => m.NextAttemptAt).ThenBy(m => m.CreatedAt).Select(m => m.Id).Take(o.BatchSize).ToListAsync(ct);
            if (candidates.Count == 0)
                return DispatchReport.Empty;
            // A span per batch that has work (an idle poll makes none): the claim, the sends and their marks.
            started(activity = PortalTelemetry.Source.StartActivity("outbox batch"));
            // The WHERE is checked again by the UPDATE itself: a row another dispatcher claimed in between is skipped.
            var claimed = await Due(db, claimedAt).Where(m => candidates.Contains(m.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.LeaseUntil, leaseEnd)
                .SetProperty(m => m.ClaimToken, token)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (claimed == 0)
                return DispatchReport.Empty;
            rows = await db.Outbox.AsNoTracking().Where(m => m.ClaimToken == token && m.Status == OutboxStatus.Sending)
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.CreatedAt).ToListAsync(ct);
            activity?.SetTag("outbox.claimed", rows.Count);
        }

        var report = DispatchReport.Empty;
        IEmailSession? session = null;
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                // Never send on a lease about to run out: another dispatcher may take the row then.
                if (clock.GetUtcNow() >= claimedAt.AddSeconds(o.LeaseSeconds / 2.0))
                {
                    await ReleaseAsync(rows.Skip(i), token, ct);
                    break;
                }
                try
                {
                    session ??= await transport.OpenSessionAsync(ct);
                    await session.SendAsync(ToEmail(row), ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Shutting down: hand the rows not yet marked sent back at once rather than when the lease runs
                    // out. The one being sent may have reached the server; it can go once more (the documented limit).
                    await ReleaseAsync(rows.Skip(i), token, CancellationToken.None);
                    throw;
                }
                catch (Exception ex)
                {
                    // A refused recipient fails this row only; a connection problem fails the rest of the batch too.
                    var rest = ex is SmtpCommandException ? [row] : rows.Skip(i).ToList();
                    report += await BackOffAsync(rest, token, ex, ct);
                    if (ex is SmtpCommandException)
                        continue;
                    logger.LogWarning(ex, "Email delivery failed; {Count} message(s) will be retried.", rest.Count);
                    break;
                }
                report += await MarkSentAsync(row, token, ct);
            }
        }
        finally
        {
            if (session is not null)
                await session.DisposeAsync();
        }
        return report;
    }

    private static IQueryable<OutboxMessage> Due(AppDbContext db, DateTimeOffset now) => db.Outbox.Where(m =>
        (m.Status == OutboxStatus.Queued && m.NextAttemptAt <= now) ||
        (m.Status == OutboxStatus.Sending && m.LeaseUntil != null && m.LeaseUntil <= now));

    private EmailMessage ToEmail(OutboxMessage row)
    {
        var from = emailOptions.Value.From;
        var domain = from.Contains('@') ? from[(from.LastIndexOf('@') + 1)..] : "portal.local";
        Dictionary<string, string>? headers = null;
        if (row.UnsubscribeUrl is { } url)
            headers = new()
            {
                ["List-Unsubscribe"] = $"<{url}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            };
        return new EmailMessage(row.ToAddress, row.Subject, row.HtmlBody, row.TextBody, $"{row.Id:N}@{domain}", row.ToName, headers);
    }

    private async Task<DispatchReport> MarkSentAsync(OutboxMessage row, Guid token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        // Not cancellable: the message went out, so the mark must be written.
        var marked = await db.Outbox.Where(m => m.Id == row.Id && m.ClaimToken == token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
        if (marked == 0)
            logger.LogWarning("Outbox row {Id} was sent after its claim had lapsed.", row.Id);
        PortalTelemetry.EmailsSent.Add(1);
        return new DispatchReport(1, 0, 0);
    }

    private async Task<DispatchReport> BackOffAsync(IReadOnlyList<OutboxMessage> rows, Guid token, Exception error, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var message = $"{error.GetType().Name}: {error.Message}";
        if (message.Length > 1000)
            message = message[..1000];
        int retrying = 0, gaveUp = 0;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        foreach (var group in rows.GroupBy(r => r.Attempts))
        {
            var attempts = group.Key;
            var delay = Math.Min(o.MaxBackoffSeconds, o.BaseBackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
            var status = attempts >= o.MaxAttempts ? OutboxStatus.Failed : OutboxStatus.Queued;
            var ids = group.Select(r => r.Id).ToList();
            await db.Outbox.Where(m => ids.Contains(m.Id) && m.ClaimToken == token).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, status)
                .SetProperty(m => m.NextAttemptAt, now.AddSeconds(delay))
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimToken, (Guid?)null)
                .SetProperty(m => m.LastError, message), CancellationToken.None);
            if (status == OutboxStatus.Failed)
                gaveUp += ids.Count;
            else
                retrying += ids.Count;
        }
        if (retrying > 0)
            PortalTelemetry.EmailsFailed.Add(retrying, new KeyValuePair<string, object?>("outcome", "retrying"));
        if (gaveUp > 0)
            PortalTelemetry.EmailsFailed.Add(gaveUp, new KeyValuePair<string, object?>("outcome", "gave_up"));
        if (gaveUp > 0)
            logger.LogError(error, "{Count} email(s) failed {Max} times and were set aside.", gaveUp, o.MaxAttempts);
        return new DispatchReport(0, retrying, gaveUp);
    }

    /// <summary>Gives unsent rows back without counting the attempt, for another run or dispatcher to take.</summary>
    private async Task ReleaseAsync(IEnumerable<OutboxMessage> rows, Guid token, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Outbox.Where(m => ids.Contains(m.Id) && m.ClaimToken == token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Queued)
            .SetProperty(m => m.Attempts, m => m.Attempts - 1)
            .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.ClaimToken, (Guid?)null), CancellationToken.None);
    }

    /// <summary>Queues rows that were set aside as failed again (the Owner's "retry failed" button).</summary>
    public async Task<int> RequeueFailedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.Outbox.Where(m => m.Status == OutboxStatus.Failed).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Queued)
            .SetProperty(m => m.Attempts, 0)
            .SetProperty(m => m.NextAttemptAt, now), ct);
    }
}
