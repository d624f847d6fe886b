using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>
/// The app bar's light/dark switch as a plain form post, so it works on pages that hold no circuit: the choice goes
/// into a cookie (anyone, so a visitor's choice survives a reload) and, for a signed-in person, into their account
/// (so it follows them to another device); then back to the page they were on.
/// </summary>
public static class DarkModeEndpoint
{
    public const string Path = "/preferences/dark-mode";
    public const string Cookie = "portal-dark";

    /// <summary>The visitor's choice from the cookie, if they made one.</summary>
    public static bool? FromCookie(HttpContext? context) =>
        context?.Request.Cookies[Cookie] switch { "1" => true, "0" => false, _ => null };

    public static WebApplication MapPortalDarkMode(this WebApplication app)
    {
        app.MapPost(Path, async ([FromForm] bool dark, [FromForm] string? returnUrl, HttpContext context, AccountService accounts) =>
        {
            context.Response.Cookies.Append(Cookie, dark ? "1" : "0", new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
            });
            if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
                await accounts.SetDarkModeAsync(userId, dark, context.RequestAborted);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        });
        return app;
    }

    /// <summary>A path on this site ("/pricing?x=1"), never another host ("//evil.example", "/\evil", "https://…").</summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
