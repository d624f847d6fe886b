using System.Net;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// Outside Development, with an https public address, a page request that reaches the portal over plain http is
/// answered with a page that says so (400), instead of the antiforgery system's 500 on every page. It happens when a
/// reverse proxy that ends TLS is not listed in <c>Portal:ForwardedHeaders</c> (its <c>X-Forwarded-Proto</c> is then not
/// believed), or when someone opens the portal's own port directly. Health probes and Stripe's webhooks, which need no
/// cookie, pass as before.
/// </summary>
public sealed class PlainHttpGuard(RequestDelegate next, ILogger<PlainHttpGuard> logger, IConfiguration configuration)
{
    private readonly string publicUrl = (Shared.PublicUrlSetting.Read(configuration) ?? "").TrimEnd('/');
    private int warned;

    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (http.Request.IsHttps || path.StartsWithSegments("/health") || path.StartsWithSegments("/webhooks"))
            return next(http);
        if (Interlocked.Exchange(ref warned, 1) == 0)
            logger.LogWarning("A request for {Path} arrived over plain http although Portal:PublicUrl is {PublicUrl}. If a reverse proxy " +
                              "ends TLS in front of the portal, list its address in Portal:ForwardedHeaders.", path.Value, publicUrl);
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.ContentType = "text/html; charset=utf-8";
        var address = WebUtility.HtmlEncode(publicUrl);
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Use the secure address</title></head>
            <body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
            <h1>Use the secure address</h1>
            <p>This portal is served at <a href="{address}">{address}</a>, over https. This request reached it over plain http,
            where sign-in and forms cannot work safely.</p>
            <p>If you run this portal behind a reverse proxy that ends TLS, list the proxy's address in
            <code>Portal:ForwardedHeaders</code> so the portal believes its <code>X-Forwarded-Proto</code> header.</p>
            </body></html>
            """);
    }
}
