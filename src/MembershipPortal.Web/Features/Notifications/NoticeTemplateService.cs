using MembershipPortal.Domain.Notifications;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>A notice's current text for the editor.</summary>
public sealed record NoticeTemplateView(NoticeDefinition Notice, string Subject, string Body, bool IsCustomised, DateTimeOffset? UpdatedAt);

public sealed record TemplateSaveResult(bool Saved, IReadOnlyList<string> Errors)
{
    public static TemplateSaveResult Ok { get; } = new(true, []);
}

/// <summary>Outbox counts for the emails page.</summary>
public sealed record OutboxSummary(int Queued, int Sending, int SentLast24Hours, int Failed, string? LastError);

/// <summary>The Owner's notice texts: list, validate, save, reset, preview and send a test.</summary>
public sealed class NoticeTemplateService(
    IDbContextFactory<AppDbContext> dbFactory, NoticeRenderer renderer, OutboxDispatcher dispatcher, TimeProvider clock, AuditLog audit, NoticeQueue queue)
{
    public const int MaxSubjectLength = 200;
    public const int MaxBodyLength = 10_000;

    public async Task<IReadOnlyList<NoticeTemplateView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var saved = await db.NoticeTemplates.AsNoTracking().ToDictionaryAsync(t => t.Kind, ct);
        return NoticeCatalog.All.Select(n => saved.TryGetValue(n.Key, out var t)
            ? new NoticeTemplateView(n, t.Subject, t.Body, true, t.UpdatedAt)
            : new NoticeTemplateView(n, n.DefaultSubject, n.DefaultBody, false, null)).ToList();
    }

    /// <summary>Every problem with a subject and body: required, lengths, syntax, and placeholders this notice does not have.</summary>
    public static IReadOnlyList<string> Validate(NoticeDefinition notice, string? subject, string? body)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(subject))
            errors.Add("Subject: enter a subject.");
        else if (subject.Length > MaxSubjectLength)
            errors.Add($"Subject: keep it under {MaxSubjectLength} characters.");
        else if (subject.Contains('\n') || subject.Contains('\r'))
            errors.Add("Subject: a subject is a single line.");
        if (string.IsNullOrWhiteSpace(body))
            errors.Add("Body: enter the text of the email.");
        else if (body.Length > MaxBodyLength)
            errors.Add($"Body: keep it under {MaxBodyLength} characters.");
        errors.AddRange(MessageTemplate.Validate(subject, notice.Placeholders, "Subject"));
        errors.AddRange(MessageTemplate.Validate(body, notice.Placeholders, "Body"));
        return errors;
    }

    public async Task<TemplateSaveResult> SaveAsync(NoticeKind kind, string? subject, string? body, CancellationToken ct = default)
    {
        var notice = NoticeCatalog.Get(kind);
        var errors = Validate(notice, subject, body);
        if (errors.Count > 0)
            return new TemplateSaveResult(false, errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.NoticeTemplates.FindAsync([notice.Key], ct);
        var before = row is null ? null : $"{row.Subject}";
        if (row is null)
            db.NoticeTemplates.Add(row = new NoticeTemplateRecord { Kind = notice.Key, Subject = "", Body = "" });
        audit.Add(db, AuditAmbient.Current ?? AuditActor.System, "email.template.save", $"Email “{notice.Key}” edited", "email-template", notice.Key,
            before, subject!.Trim());
        row.Subject = subject!.Trim();
        row.Body = body!.Replace("\r\n", "\n").Trim();
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        queue.ForgetTemplate(notice.Key);
        return TemplateSaveResult.Ok;
    }

    /// <summary>Back to the built-in text.</summary>
    public async Task ResetAsync(NoticeKind kind, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = NoticeCatalog.Get(kind).Key;
        var row = await db.NoticeTemplates.FindAsync([key], ct);
        if (row is null)
            return;
        db.NoticeTemplates.Remove(row);
        audit.Add(db, AuditAmbient.Current ?? AuditActor.System, "email.template.reset", $"Email “{key}” reset to the built-in text", "email-template", key, row.Subject, null);
        await db.SaveChangesAsync(ct);
        queue.ForgetTemplate(key);
    }

    /// <summary>The notice rendered with sample values, or the errors that stop it rendering.</summary>
    public (RenderedNotice? Preview, IReadOnlyList<string> Errors) Preview(NoticeKind kind, string? subject, string? body)
    {
        var notice = NoticeCatalog.Get(kind);
        var errors = Validate(notice, subject, body);
        if (errors.Count > 0)
            return (null, errors);
        var values = NoticeRenderer.SampleValues(renderer.BusinessName);
        return (renderer.Render(notice, subject!, body!, values, notice.IsMarketing ? values["unsubscribe_url"] : null), []);
    }

    /// <summary>Sends the text being edited, with sample values, to <paramref name="to"/> through the outbox, and tries to deliver it at once.</summary>
    public async Task<string> SendTestAsync(NoticeKind kind, string? subject, string? body, string to, CancellationToken ct = default)
    {
        var (preview, errors) = Preview(kind, subject, body);
        if (preview is null)
            return errors[0];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var row = OutboxMessage.Create($"test:{Guid.NewGuid():N}", NoticeCatalog.Get(kind).Key,
            new Infrastructure.Email.EmailMessage(to, "[Test] " + preview.Subject, preview.HtmlDocument, preview.Text), now);
        db.Outbox.Add(row);
        await db.SaveChangesAsync(ct);
        var report = await dispatcher.DispatchAsync([row.Id], ct);
        return report.Sent > 0 ? $"Test email sent to {to}." : $"Test email queued for {to}; the mail server did not take it yet, it will be retried.";
    }

    public async Task<OutboxSummary> OutboxSummaryAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = clock.GetUtcNow().AddDays(-1);
        var counts = await db.Outbox.GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var sent = await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && o.SentAt >= since, ct);
        var lastError = await db.Outbox.Where(o => o.LastError != null && o.Status != OutboxStatus.Sent)
            .OrderByDescending(o => o.NextAttemptAt).Select(o => o.LastError).FirstOrDefaultAsync(ct);
        int Count(OutboxStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        return new OutboxSummary(Count(OutboxStatus.Queued), Count(OutboxStatus.Sending), sent, Count(OutboxStatus.Failed), lastError);
    }

    public Task<int> RetryFailedAsync(CancellationToken ct = default) => dispatcher.RequeueFailedAsync(ct);
}
