using System.Security.Claims;
using MembershipPortal.Web.Components.Account;
using MembershipPortal.Web.Features.Themes;
using Microsoft.AspNetCore.Mvc;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>
/// The app bar's light/dark switch as a plain form post, so it works on pages that hold no circuit: the choice goes
/// into a cookie (anyone, so a visitor's choice survives a reload) and, for a signed-in person, into their account
/// (so it follows them to another device); then back to the page they were on. It takes no antiforgery token: the
/// public pages that carry the switch are served from the output cache to every visitor, and a token is one visitor's.
/// A cross-site post (the browser says so in Sec-Fetch-Site) is refused instead; the worst a forged one could do is
/// change a colour scheme.
/// </summary>
public static class DarkModeEndpoint
{
    public const string Path = "/preferences/dark-mode";
    public static WebApplication MapPortalDarkMode(this WebApplication app)
    {
        app.MapPost(Path, async ([FromForm] bool dark, [FromForm] string? returnUrl, HttpContext context, AccountService accounts) =>
        {
            if (context.Request.Headers["Sec-Fetch-Site"] == "cross-site")
                return Results.BadRequest("The light/dark switch only works from the portal's own pages.");
            context.Response.Cookies.Append(DarkModeCookie.Name, DarkModeCookie.Value(dark), new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
            });
            if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
                await accounts.SetDarkModeAsync(userId, dark, context.RequestAborted);
            return Results.LocalRedirect(LocalUrls.Safe(returnUrl));
        }).DisableAntiforgery();
        return app;
    }
}
