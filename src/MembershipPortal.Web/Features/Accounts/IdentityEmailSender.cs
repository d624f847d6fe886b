using System.Net;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>Identity's account emails (confirm, reset) through the portal's one email port.</summary>
public sealed class IdentityEmailSender(IEmailTransport transport, EmailComposer composer) : IEmailSender<ApplicationUser>
{
    // Identity's pages pass links already HTML-encoded; decode once so both bodies encode them their own way.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        transport.SendAsync(composer.Compose(email, user.FirstName, "Confirm your email",
            "Welcome! Please confirm your email address to finish creating your account.",
            ("Confirm my email", WebUtility.HtmlDecode(confirmationLink))));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        transport.SendAsync(composer.Compose(email, user.FirstName, "Reset your password",
            "Someone asked to reset the password of your account. If it was you, use the button below; otherwise ignore this email.",
            ("Reset my password", WebUtility.HtmlDecode(resetLink))));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        transport.SendAsync(composer.Compose(email, user.FirstName, "Your password reset code",
            $"Your password reset code is: {resetCode}", null));
}
