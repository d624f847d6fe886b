namespace MembershipPortal.Web.Components.Account;

/// <summary>
/// Return addresses (ReturnUrl, returnUrl) come from the query string or a form, so they are attacker input: only a
/// path of this site is followed; anything else (another host, <c>//host</c>, <c>/\host</c>, a scheme, control
/// characters) becomes <c>/</c> instead of an open redirect or an error.
/// </summary>
public static class LocalUrls
{
    /// <summary><paramref name="url"/> as a path of this site (leading '/'), or "/" when it is not one.</summary>
    /// <param name="baseUri">The site's own base address: an absolute URL under it is turned into its path.</param>
    public static string Safe(string? url, string? baseUri = null)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "/";
        url = url.Trim();
        if (baseUri is not null && url.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase))
            url = "/" + url[baseUri.Length..].TrimStart('/');
        if (url.StartsWith('~'))
            url = url[1..];
        if (!url.StartsWith('/'))
            url = "/" + url;
        return IsLocal(url) ? url : "/";
    }

    /// <summary>A rooted path with no host part: not <c>//x</c>, not <c>/\x</c>, no backslash, scheme or control character.</summary>
    public static bool IsLocal(string url) =>
        url.Length is > 0 and < 2048
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains('\\')
        && !url.Any(char.IsControl)
        && Uri.IsWellFormedUriString(url, UriKind.Relative)
        && !url.Split('?', '#')[0].Contains(':');
}
