using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Public;

/// <summary>
/// Compresses the HTML of the public pages answered to anonymous visitors (br or gzip, about a fifth of the bytes), and
/// nothing else. A compressed page that holds a secret (an antiforgery token, a member's details) and echoes something
/// an attacker chose can leak that secret through its length over HTTPS (BREACH), which is why ASP.NET Core leaves
/// compression off; the anonymous public pages hold no secret (<see cref="PublicPageCache"/> drops Blazor's antiforgery
/// cookie from them). The compression sits behind the output cache, so a cached page is compressed once and stored per
/// <c>Accept-Encoding</c>. Static assets are not affected: they are served precompressed from the publish output.
/// </summary>
public sealed class PublicPageCompression(IServiceProvider services, IOptions<ResponseCompressionOptions> options) : IResponseCompressionProvider
{
    private const string Marker = "portal.public-page";
    private readonly ResponseCompressionProvider inner = new(services, options);

    /// <summary>Called by <see cref="PublicPageCache"/> for an anonymous GET of a public page.</summary>
    public static void Allow(HttpContext http) => http.Items[Marker] = true;

    public static void Configure(ResponseCompressionOptions o)
    {
        o.EnableForHttps = true; // limited to secret-free pages by ShouldCompressResponse
        o.MimeTypes = ["text/html"];
        o.Providers.Add<BrotliCompressionProvider>();
        o.Providers.Add<GzipCompressionProvider>();
    }

    public bool CheckRequestAcceptsCompression(HttpContext context) => inner.CheckRequestAcceptsCompression(context);

    public ICompressionProvider? GetCompressionProvider(HttpContext context) => inner.GetCompressionProvider(context);

    public bool ShouldCompressResponse(HttpContext context) =>
        context.Items.ContainsKey(Marker) && inner.ShouldCompressResponse(context);

    /// <summary>A cached page is compressed once per 15 s at most, so it may take the better ratio.</summary>
    public static void Levels(IServiceCollection services)
    {
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
    }
}
