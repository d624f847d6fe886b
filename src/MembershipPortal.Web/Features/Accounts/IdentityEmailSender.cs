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
    IDbContextFactory<AppDbContext> dbFactory, NoticeQueue notices, OutboxDispatcher dispatcher, PortalLinks links, TimeProvider clock) : IEmailSender<ApplicationUser>
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

    /// <summary>Tells the holder of an address that someone tried to register with it (the register page reveals nothing).</summary>
    public Task SendAccountExistsAsync(ApplicationUser user, string loginUrl, string resetUrl) =>
        SendAsync(NoticeKind.AccountExists, user, user.Email!, new Dictionary<string, string> { ["login_url"] = loginUrl, ["reset_url"] = resetUrl });

    private Task SendAsync(NoticeKind kind, ApplicationUser user, string email, string placeholder, string value) =>
        // Every link an account email carries starts with the public address, whatever page built it.
        SendAsync(kind, user, email, new Dictionary<string, string> { [placeholder] = placeholder.EndsWith("_url", StringComparison.Ordinal) ? links.Rebase(value) : value });

    private async Task SendAsync(NoticeKind kind, ApplicationUser user, string email, Dictionary<string, string> values)
    {
        OutboxMessage? row;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            row = await notices.QueueToAsync(db, kind, $"account:{Guid.NewGuid():N}", new Recipient(email, user.FirstName, user.Id), values, clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        if (row is not null)
            await dispatcher.DispatchAsync([row.Id]);
    }
}
