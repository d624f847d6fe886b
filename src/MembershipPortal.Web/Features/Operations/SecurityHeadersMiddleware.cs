namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// Security headers for every answer. The CSP allows what Blazor Server and MudBlazor need: scripts only from this
/// origin (no inline script; the import map is not rendered), inline styles (MudBlazor sets style attributes), the
/// circuit's WebSocket on this origin, and images from this origin, data: and https: (owner-supplied covers).
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "font-src 'self' data:; connect-src 'self'; media-src 'self'; frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h.XFrameOptions = "DENY";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(self)";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
