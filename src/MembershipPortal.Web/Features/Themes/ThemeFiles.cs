using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace MembershipPortal.Web.Features.Themes;

/// <summary>
/// A theme's own files (<c>theme.css</c>, the logo) under <c>/themes/</c>. The pages link them with the file's content
/// hash in the address (<c>?v=</c>), so a changed file has a new address and a linked one can be cached for a year, as
/// the fingerprinted framework assets are; an address without the hash is cached for an hour.
/// </summary>
public static class ThemeFiles
{
    /// <summary><c>/themes/{theme}/{file}?v={hash}</c>, or null when the theme folder has no such file.</summary>
    public static string? VersionedUrl(string folder, string theme, string file)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path))
            return null;
        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        return $"/themes/{theme}/{file}?v={hash}";
    }

    public static void SetCacheHeader(StaticFileResponseContext context)
    {
        var versioned = context.Context.Request.Query.ContainsKey("v");
        context.Context.Response.Headers[HeaderNames.CacheControl] = versioned ? "public, max-age=31536000, immutable" : "public, max-age=3600";
    }
}
