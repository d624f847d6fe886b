using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// Marks a page whose POSTs are rate limited (sign-in, registration, password reset, two-factor, setup). The limit
/// belongs to the endpoint the router chose, so every spelling of its path that reaches it (trailing slash, letter
/// case, percent-encoding) counts against the same bucket. <see cref="PerAccount"/> adds a second bucket per target
/// account, so attempts spread over many client addresses are slowed too.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LimitedPostAttribute(bool perAccount = false) : Attribute
{
    public bool PerAccount { get; } = perAccount;
}

internal static class RateLimits
{
    private const string AccountItem = "MembershipPortal.RateLimits.Account";

    public static void Configure(RateLimiterOptions o)
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = (context, _) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "60";
            return ValueTask.CompletedTask;
        };
        o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
                Limited(http) is not { } endpoint
                    ? RateLimitPartition.GetNoLimiter("")
                    : Window($"client|{http.Connection.RemoteIpAddress}|{endpoint.Route}", Limits(http).PostsPerMinute)),
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
                Limited(http) is { PerAccount: true } endpoint && http.Items[AccountItem] is string account
                    ? Window($"account|{account}|{endpoint.Route}", Limits(http).AccountPostsPerMinute)
                    : RateLimitPartition.GetNoLimiter("")));
    }

    /// <summary>Reads the account a limited POST names (the form's email or user id, or the user in the two-factor cookie) before the limiter runs.</summary>
    public static async Task FindTargetAccountAsync(HttpContext http, Func<Task> next)
    {
        if (Limited(http) is { PerAccount: true })
            http.Items[AccountItem] = await TargetAccountAsync(http);
        await next();
    }

    private static async Task<string?> TargetAccountAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form["Input.Email"].ToString().Trim() is { Length: > 0 } email)
                return "email:" + email.ToUpperInvariant();
            if (form["Input.UserId"].ToString().Trim() is { Length: > 0 } id)
                return "id:" + id;
        }
        var twoFactor = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return twoFactor.Principal?.FindFirstValue(ClaimTypes.Name) is { } user ? "user:" + user : null;
    }

    private static (string Route, bool PerAccount)? Limited(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
            return null;
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<LimitedPostAttribute>() is not { } limited)
            return null;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName ?? "";
        return (route.ToLowerInvariant(), limited.PerAccount);
    }

    private static RateLimitOptions Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> Window(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
