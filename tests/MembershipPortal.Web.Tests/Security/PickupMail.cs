using System.Text.RegularExpressions;
using MembershipPortal.Tests.Support;
using MimeKit;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>Reads the .eml files the portal wrote to its pickup folder, as a mail client would.</summary>
internal static class PickupMail
{
    public static IEnumerable<MimeMessage> All(PortalFactory factory) =>
        Directory.Exists(factory.MailDirectory)
            ? Directory.GetFiles(factory.MailDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            : [];

    /// <summary>Waits (the account mail queue sends after the answer) for a message to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    public static async Task<MimeMessage> WaitForAsync(PortalFactory factory, string to, string subject)
    {
        for (var i = 0; i < 200; i++)
        {
            var found = All(factory).FirstOrDefault(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))
                                                        && (m.Subject ?? "").Contains(subject, StringComparison.OrdinalIgnoreCase));
            if (found is not null)
                return found;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No email to {to} about \"{subject}\" arrived.");
    }

    public static int CountTo(PortalFactory factory, string to) =>
        All(factory).Count(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Every link the HTML part carries.</summary>
    public static List<string> Links(MimeMessage message) =>
        [.. Regex.Matches(message.HtmlBody ?? "", "href=\"([^\"]+)\"").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];
}
