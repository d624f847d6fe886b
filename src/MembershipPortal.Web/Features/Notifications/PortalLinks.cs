using MembershipPortal.Web.Features.Operations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>
/// Every absolute URL the portal makes (account emails, notices, Stripe return addresses) starts with one origin:
/// <c>Portal:PublicUrl</c> (old name <c>Portal:BaseUrl</c>). It is never taken from a request: Host and X-Forwarded-*
/// are the sender's to choose. In Development without the setting it is the first address Kestrel listens on, so
/// <c>dotnet run</c> mails links that open.
/// </summary>
public sealed class PortalLinks(IOptions<PortalOptions> options, IDataProtectionProvider protection, IServiceProvider services)
{
    private readonly IDataProtector unsubscribe = protection.CreateProtector("MembershipPortal.Notifications.Unsubscribe.v1");
    private string? listening;

    public string Base => options.Value.ConfiguredOrigin ?? (listening ??= ListeningOrigin()) ?? "http://localhost";
    public string Account => Base + "/account";
    public string Billing => Base + "/account/billing";
    public string Pricing => Base + "/pricing";
    public string Library => Base + "/content";
    public string Invoice(Guid id) => $"{Base}/account/billing/invoices/{id}";

    /// <summary>The public address of a path of this portal (<c>Account/ConfirmEmail</c> → <c>https://…/Account/ConfirmEmail</c>).</summary>
    public string Absolute(string path) => Base + "/" + path.TrimStart('/');

    /// <summary>
    /// <paramref name="link"/> with its origin replaced by the public one (path, query and fragment kept): account emails pass
    /// through this, so no page can mail a link to a host a request named.
    /// </summary>
    public string Rebase(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? Base + uri.PathAndQuery + uri.Fragment
            : Absolute(link);

    /// <summary>A link that unsubscribes <paramref name="email"/> from marketing notices; the token is signed, so it cannot be forged for another address.</summary>
    public string Unsubscribe(string email) => $"{Base}/email/unsubscribe?t={unsubscribe.Protect(email.Trim().ToUpperInvariant())}";

    /// <summary>The address a token stands for, or null when it was tampered with.</summary>
    public string? ReadUnsubscribeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        { return unsubscribe.Unprotect(token); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }

    /// <summary>The first address the server really listens on (null before it starts, or for a server without addresses).</summary>
    private string? ListeningOrigin()
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
            return null;
        // Kestrel reports wildcard bindings as written; a browser on this machine reaches them as localhost.
        foreach (var wildcard in new[] { "://[::]", "://0.0.0.0", "://+", "://*" })
            address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return address.TrimEnd('/');
    }
}
