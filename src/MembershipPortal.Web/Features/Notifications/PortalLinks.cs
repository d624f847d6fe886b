using MembershipPortal.Web.Features.Operations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>Absolute links for emails (jobs have no request to take a host from): Portal:BaseUrl, else http://localhost:5000.</summary>
public sealed class PortalLinks(IOptions<PortalOptions> options, IDataProtectionProvider protection)
{
    private readonly IDataProtector unsubscribe = protection.CreateProtector("MembershipPortal.Notifications.Unsubscribe.v1");

    public string Base => (options.Value.BaseUrl ?? "http://localhost:5000").TrimEnd('/');
    public string Account => Base + "/account";
    public string Billing => Base + "/account/billing";
    public string Pricing => Base + "/pricing";
    public string Invoice(Guid id) => $"{Base}/account/billing/invoices/{id}";

    /// <summary>A link that unsubscribes <paramref name="email"/> from marketing notices; the token is signed, so it cannot be forged for another address.</summary>
    public string Unsubscribe(string email) => $"{Base}/email/unsubscribe?t={unsubscribe.Protect(email.Trim().ToUpperInvariant())}";

    /// <summary>The address a token stands for, or null when it was tampered with.</summary>
    public string? ReadUnsubscribeToken(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try { return unsubscribe.Unprotect(token); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }
}
