namespace MembershipPortal.Web.Features.Themes;

/// <summary>The visitor's light/dark choice, kept in a cookie so it works without an account and without a circuit.</summary>
public static class DarkModeCookie
{
    public const string Name = "portal-dark";

    /// <summary>The choice in the request's cookie, if the visitor made one.</summary>
    public static bool? Read(HttpContext? context) =>
        context?.Request.Cookies[Name] switch { "1" => true, "0" => false, _ => null };

    public static string Value(bool dark) => dark ? "1" : "0";
}
