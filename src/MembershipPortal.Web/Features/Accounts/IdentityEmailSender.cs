using System.Net;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>
/// Identity's account emails (confirm, reset) as notices: written to the outbox with the Owner's template, then
/// delivered at once; if the mail server is down the dispatcher job retries, so the email is not lost.
/// </summary>
public sealed class IdentityEmailSender(
    IDbContextFactory<AppDbContext> dbFactory, NoticeQueue notices, OutboxDispatcher dispatcher, TimeProvider clock) : IEmailSender<ApplicationUser>
{
    // Identity's pages pass links already HTML-encoded; decode once so both bodies encode them their own way.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        SendAsync(NoticeKind.EmailConfirmation, user, email, "action_url", WebUtility.HtmlDecode(confirmationLink));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        SendAsync(NoticeKind.PasswordReset, user, email, "action_url", WebUtility.HtmlDecode(resetLink));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        SendAsync(NoticeKind.PasswordResetCode, user, email, "reset_code", resetCode);

    /// <summary>An account email with one link (unlock, team invitation), queued and delivered like the others.</summary>
    public Task SendLinkAsync(NoticeKind kind, ApplicationUser user, string email, string link) =>
        SendAsync(kind, user, email, "action_url", link);

    private async Task SendAsync(NoticeKind kind, ApplicationUser user, string email, string placeholder, string value)
    {
        OutboxMessage? row;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var values = new Dictionary<string, string> { [placeholder] = value };
            row = await notices.QueueToAsync(db, kind, $"account:{Guid.NewGuid():N}", new Recipient(email, user.FirstName, user.Id), values, clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        if (row is not null) await dispatcher.DispatchAsync([row.Id]);
    }
}
