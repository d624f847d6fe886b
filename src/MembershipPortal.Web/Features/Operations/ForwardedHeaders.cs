using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// <c>Portal:ForwardedHeaders</c>: the reverse proxies (addresses or CIDR networks) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Only a request that arrives from one of them has its client address and
/// scheme taken from those headers; from anyone else the headers are ignored. Empty (the default): no proxy is trusted.
/// </summary>
internal static class TrustedProxies
{
    public static string[] Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(PortalOptions.Section + ":ForwardedHeaders");
        var list = section.Get<string[]>() ?? section.Value?.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries) ?? [];
        return [.. list.Select(p => p.Trim()).Where(p => p.Length > 0)];
    }

    /// <summary>Why an entry is not an address or network, or null when all are.</summary>
    public static string? Problem(IEnumerable<string> entries) =>
        entries.FirstOrDefault(e => !IPAddress.TryParse(e, out _) && !System.Net.IPNetwork.TryParse(e, out _)) is { } bad
            ? $"Portal:ForwardedHeaders: \"{bad}\" is neither an IP address nor a network such as 10.0.0.0/8."
            : null;

    public static void Apply(ForwardedHeadersOptions o, IEnumerable<string> entries)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
                o.KnownProxies.Add(address);
            else
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
        }
    }
}
