using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Operations;

namespace MembershipPortal.Web.Tests.Public;

/// <summary>
/// The stylesheet and scripts every page links to (fingerprinted, cached for a year) are delivered compressed: the SDK
/// gave MudBlazor's fingerprinted routes only the 627 KB uncompressed file. (A Development host answers "no-cache" on
/// every asset and may compress on the fly; .ci/publish-check asks the published app for br, its size and the year-long
/// cache header.)
/// </summary>
public sealed class CompressedAssetsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task MudBlazorsFingerprintedStylesheetAndScript_ComeCompressed()
    {
        // The routes a published build's pages link to (a Development build links the plain ones): read from the manifest.
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "MembershipPortal.Web.staticwebassets.endpoints.json")))!;
        var routes = manifest["Endpoints"]!.AsArray().OfType<JsonObject>()
            .Where(e => e["EndpointProperties"]!.AsArray().OfType<JsonObject>().Any(p => p["Name"]!.GetValue<string>() == "fingerprint"))
            .Select(e => e["Route"]!.GetValue<string>())
            .Where(r => Regex.IsMatch(r, @"^_content/MudBlazor/MudBlazor\.min\.[0-9a-z]+\.(css|js)$")).Distinct().ToList();
        Assert.Equal(2, routes.Count);
        var client = factory.CreateClient();

        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/" + route);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
            using var answer = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.True(answer.Content.Headers.ContentEncoding.Count == 1, $"{route} came uncompressed");
        }
    }

    [Fact]
    public void Manifest_FingerprintedRouteWithoutVariants_GetsThePlainRoutesVariants_WithItsCacheHeader()
    {
        var manifest = JsonNode.Parse("""
            {"Version":1,"ManifestType":"Publish","Endpoints":[
              {"Route":"lib.css","AssetFile":"lib.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"no-cache"}],"EndpointProperties":[]},
              {"Route":"lib.css","AssetFile":"lib.css.br","Selectors":[{"Name":"Content-Encoding","Value":"br","Quality":"0.1"}],
               "ResponseHeaders":[{"Name":"Cache-Control","Value":"no-cache"},{"Name":"Content-Encoding","Value":"br"}],"EndpointProperties":[]},
              {"Route":"lib.abc123def4.css","AssetFile":"lib.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"}],
               "EndpointProperties":[{"Name":"fingerprint","Value":"abc123def4"},{"Name":"label","Value":"lib.css"}]}
            ]}
            """)!.AsObject();

        Assert.Equal(1, StaticAssetManifest.AddCompressedFingerprints(manifest));
        Assert.Equal(0, StaticAssetManifest.AddCompressedFingerprints(manifest)); // complete now: nothing added twice

        var added = manifest["Endpoints"]!.AsArray().OfType<JsonObject>().Single(e => e["Route"]!.GetValue<string>() == "lib.abc123def4.css" && e["AssetFile"]!.GetValue<string>() == "lib.css.br");
        var headers = added["ResponseHeaders"]!.AsArray().OfType<JsonObject>().ToDictionary(h => h["Name"]!.GetValue<string>(), h => h["Value"]!.GetValue<string>());
        Assert.Equal(("max-age=31536000, immutable", "br"), (headers["Cache-Control"], headers["Content-Encoding"]));
        Assert.Contains(added["EndpointProperties"]!.AsArray().OfType<JsonObject>(), p => p["Name"]!.GetValue<string>() == "fingerprint");
    }
}
