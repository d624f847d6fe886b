using System.Text.RegularExpressions;
using MimeKit;

namespace MembershipPortal.Tests.Support;

/// <summary>Reads the emails the portal wrote to the test pickup folder.</summary>
public static class Mailbox
{
    /// <summary>The text bodies of every email sent to <paramref name="to"/>, oldest first.</summary>
    public static async Task<List<(string Subject, string Text)>> ToAsync(PortalFactory factory, string to)
    {
        var mails = new List<(DateTime, string, string)>();
        if (!Directory.Exists(factory.MailDirectory))
            return [];
        foreach (var file in Directory.GetFiles(factory.MailDirectory))
        {
            var message = await MimeMessage.LoadAsync(file);
            if (message.To.Mailboxes.Any(m => string.Equals(m.Address, to, StringComparison.OrdinalIgnoreCase)))
                mails.Add((File.GetLastWriteTimeUtc(file), message.Subject ?? "", message.TextBody ?? ""));
        }
        return mails.OrderBy(m => m.Item1).Select(m => (m.Item2, m.Item3)).ToList();
    }

    /// <summary>The path and query of the last link to <paramref name="path"/> mailed to <paramref name="to"/>.</summary>
    public static async Task<string> LinkAsync(PortalFactory factory, string to, string path)
    {
        foreach (var (_, text) in Enumerable.Reverse(await ToAsync(factory, to)))
        {
            var match = Regex.Match(text, @"https?://[^\s""<>]+?" + Regex.Escape(path) + @"\?[^\s""<>]+", RegexOptions.IgnoreCase);
            if (match.Success)
                return new Uri(match.Value).PathAndQuery;
        }
        throw new InvalidOperationException($"No email to {to} links to {path}.");
    }
}
