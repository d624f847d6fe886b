using System.Text;
using System.Text.Encodings.Web;
using System.Threading.Channels;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace MembershipPortal.Web.Features.Accounts;

public enum AccountMailKind
{
    /// <summary>"Forgot password": a reset link when the address belongs to a confirmed account, nothing otherwise.</summary>
    PasswordReset,

    /// <summary>Someone registered with an address that already has an account: tell its holder, reveal nothing to the form.</summary>
    AccountExists,
}

/// <summary>
/// Account emails whose sending must not show on the page that asked for them. The forgot-password and register forms
/// answer at once and the same way whether the address has an account or not; the look-up, the token and the email
/// happen here, after the response, so neither the answer nor its timing tells an address that has an account from
/// one that has not. A full queue drops the request (the form is rate limited per client and per account anyway).
/// </summary>
public sealed class AccountMailQueue(IServiceScopeFactory scopes, ILogger<AccountMailQueue> logger) : BackgroundService
{
    private readonly Channel<(AccountMailKind Kind, string Email)> queue =
        Channel.CreateBounded<(AccountMailKind, string)>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Queue(AccountMailKind kind, string email) => queue.Writer.TryWrite((kind, email.Trim()));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (kind, email) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(kind, email);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The {Kind} email could not be queued.", kind);
            }
        }
    }

    /// <summary>Does the work for one request (the background loop calls it; tests may too).</summary>
    public async Task SendAsync(AccountMailKind kind, string email)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user?.Email is null)
            return;
        var links = services.GetRequiredService<PortalLinks>();
        switch (kind)
        {
            case AccountMailKind.PasswordReset when await users.IsEmailConfirmedAsync(user):
                var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
                var link = QueryHelpers.AddQueryString(links.Absolute("Account/ResetPassword"), "code", code);
                await services.GetRequiredService<IEmailSender<ApplicationUser>>().SendPasswordResetLinkAsync(user, user.Email, HtmlEncoder.Default.Encode(link));
                break;
            case AccountMailKind.AccountExists:
                var sender = services.GetRequiredService<IdentityEmailSender>();
                await sender.SendAccountExistsAsync(user, links.Absolute("Account/Login"), links.Absolute("Account/ForgotPassword"));
                break;
        }
    }
}
