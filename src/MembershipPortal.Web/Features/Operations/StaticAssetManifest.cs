using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// Serves every fingerprinted static asset compressed. The SDK's endpoint manifest gives a NuGet package's assets
/// (MudBlazor.min.css, 627 KB) br and gzip variants only on their plain route ("_content/MudBlazor/MudBlazor.min.css",
/// cached "no-cache"); the fingerprinted route the pages link to ("…/MudBlazor.min.k4r0it8844.css", cached for a year)
/// gets the uncompressed file alone, so every first visit downloaded 627 KB instead of 42 KB. At start-up this reads the
/// manifest, gives each such fingerprinted route the compressed variants of its plain route (with the fingerprinted
/// route's long-lived cache header), and maps the static assets from the completed manifest. An app whose manifest
/// already has them (the SDK fixed) is served unchanged.
/// </summary>
public static class StaticAssetManifest
{
    /// <summary>Adds the missing compressed variants to <paramref name="manifest"/>; returns how many endpoints were added.</summary>
    public static int AddCompressedFingerprints(JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest["Endpoints"] is not JsonArray endpoints)
            return 0;
        var all = endpoints.OfType<JsonObject>().ToList();
        var encodedRoutes = all.Where(e => Encoding(e) is not null).Select(Route).ToHashSet(StringComparer.Ordinal);
        var encodedByRoute = all.Where(e => Encoding(e) is not null).ToLookup(Route, StringComparer.Ordinal);
        var added = 0;
        foreach (var fingerprinted in all.Where(e => Property(e, "fingerprint") is not null && Encoding(e) is null && !encodedRoutes.Contains(Route(e))))
        {
            var plain = Property(fingerprinted, "label");
            if (plain is null || !encodedByRoute.Contains(plain))
                continue;
            var cacheControl = Header(fingerprinted, "Cache-Control");
            foreach (var variant in encodedByRoute[plain])
            {
                var copy = (JsonObject)variant.DeepClone();
                copy["Route"] = Route(fingerprinted);
                if (cacheControl is not null)
                    SetHeader(copy, "Cache-Control", cacheControl);
                var properties = copy["EndpointProperties"] as JsonArray ?? [];
                copy["EndpointProperties"] = properties;
                foreach (var name in new[] { "fingerprint", "label" })
                    if (Property(copy, name) is null && Property(fingerprinted, name) is { } value)
                        properties.Add(new JsonObject { ["Name"] = name, ["Value"] = value });
                endpoints.Add(copy);
                added++;
            }
            if (Header(fingerprinted, "Vary") is null)
                SetHeader(fingerprinted, "Vary", "Accept-Encoding"); // the same address now answers in several encodings
        }
        return added;
    }

    /// <summary>
    /// The endpoint manifest to map: the app's own when nothing is missing, else a completed copy in the temp folder
    /// (named by the original's hash, so every start and every test host shares one file).
    /// </summary>
    public static string? CompletedManifestPath(string applicationName)
    {
        var original = Path.Combine(AppContext.BaseDirectory, $"{applicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(original))
            return null;
        try
        {
            var bytes = File.ReadAllBytes(original);
            if (JsonNode.Parse(bytes) is not JsonObject manifest || AddCompressedFingerprints(manifest) == 0)
                return null;
            var path = Path.Combine(Path.GetTempPath(), $"membershipportal-assets-{Convert.ToHexString(SHA256.HashData(bytes))[..16]}.json");
            if (!File.Exists(path))
            {
                var temp = path + "." + Guid.NewGuid().ToString("N");
                File.WriteAllText(temp, manifest.ToJsonString());
                File.Move(temp, path, overwrite: true);
            }
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null; // served as the SDK described them: uncompressed on the fingerprinted routes
        }
    }

    /// <summary>
    /// <c>MapStaticAssets</c> with the completed manifest; returns its path (null for the app's own), which the Razor
    /// components must be given too (<c>WithStaticAssets</c>) so that <c>@Assets[…]</c> resolves fingerprinted routes.
    /// </summary>
    public static string? MapPortalStaticAssets(this WebApplication app)
    {
        var manifest = CompletedManifestPath(app.Environment.ApplicationName);
        app.MapStaticAssets(manifest);
        return manifest;
    }

    private static string Route(JsonObject endpoint) => endpoint["Route"]?.GetValue<string>() ?? "";

    private static string? Encoding(JsonObject endpoint) =>
        (endpoint["Selectors"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(s => s["Name"]?.GetValue<string>() == "Content-Encoding")?["Value"]?.GetValue<string>();

    private static string? Property(JsonObject endpoint, string name) =>
        (endpoint["EndpointProperties"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => p["Name"]?.GetValue<string>() == name)?["Value"]?.GetValue<string>();

    private static string? Header(JsonObject endpoint, string name) =>
        (endpoint["ResponseHeaders"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(h => h["Name"]?.GetValue<string>() == name)?["Value"]?.GetValue<string>();

    private static void SetHeader(JsonObject endpoint, string name, string value)
    {
        var headers = endpoint["ResponseHeaders"] as JsonArray ?? [];
        endpoint["ResponseHeaders"] = headers;
        if (headers.OfType<JsonObject>().FirstOrDefault(h => h["Name"]?.GetValue<string>() == name) is { } header)
            header["Value"] = value;
        else
            headers.Add(new JsonObject { ["Name"] = name, ["Value"] = value });
    }
}
