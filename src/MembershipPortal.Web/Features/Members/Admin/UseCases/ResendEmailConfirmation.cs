using System.Text;
using System.Text.Encodings.Web;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Sends the member a new link to confirm their email address.</summary>
public sealed record ResendEmailConfirmation(string MemberId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.email.confirmation", MemberId);
}

public sealed class ResendEmailConfirmationHandler(UserManager<ApplicationUser> users, IEmailSender<ApplicationUser> identityEmails, PortalLinks links)
    : IUseCaseHandler<ResendEmailConfirmation>
{
    public async Task<string> RunAsync(ResendEmailConfirmation request, UseCaseScope uc)
    {
        var user = await users.FindByIdAsync(request.MemberId);
        if (user?.Email is null)
            throw new UseCaseRefused("This member has no email address.");
        if (user.EmailConfirmed)
            throw new UseCaseRefused("This member's address is already confirmed.");
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
        var link = QueryHelpers.AddQueryString(links.Absolute("Account/ConfirmEmail"),
            new Dictionary<string, string?> { ["userId"] = user.Id, ["code"] = code });
        await identityEmails.SendConfirmationLinkAsync(user, user.Email, HtmlEncoder.Default.Encode(link));
        uc.AuditSummary = "Resent the email confirmation link";
        return "Confirmation email sent.";
    }
}
