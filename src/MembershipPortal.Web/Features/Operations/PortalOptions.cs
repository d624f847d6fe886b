using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Operations;

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Folder name under wwwroot-themes used until the Owner picks another.</summary>
    [Required] public string Theme { get; set; } = "aurora";

    /// <summary>
    /// The one public origin (scheme, host, optional port) every absolute URL the portal makes starts with: account
    /// emails, notices, Stripe's return addresses. Required outside Development; never taken from a request.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The old name of <see cref="PublicUrl"/>, still read when PublicUrl is not set.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Trusted reverse proxies (addresses or CIDR networks) whose X-Forwarded-For/-Proto are believed.</summary>
    public string[] ForwardedHeaders { get; set; } = [];

    /// <summary>The configured public origin without a trailing slash, or null when neither name is set.</summary>
    public string? ConfiguredOrigin => (string.IsNullOrWhiteSpace(PublicUrl) ? BaseUrl : PublicUrl)?.Trim().TrimEnd('/') is { Length: > 0 } s ? s : null;

    /// <summary>Why <paramref name="value"/> is not a usable public origin, or null when it is.</summary>
    public static string? OriginProblem(string value) =>
        !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            ? $"Portal:PublicUrl must be an absolute http or https address such as https://members.example.com (it is \"{value}\")."
            : uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
                ? $"Portal:PublicUrl must be an origin only (scheme, host and port), without a path or query (it is \"{value}\")."
                : null;
}

/// <summary>Outside Development the public origin is required: links must never be built from a request's Host.</summary>
public sealed class PortalOptionsValidator(IHostEnvironment environment) : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        if (options.ConfiguredOrigin is { } origin)
            return OriginProblemResult(origin);
        return environment.IsDevelopment()
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Portal:PublicUrl is required outside Development: set it to the address members use, " +
                                         "such as https://members.example.com (environment variable Portal__PublicUrl). " +
                                         "Every link in emails and every Stripe return address is built from it.");
    }

    private static ValidateOptionsResult OriginProblemResult(string origin) =>
        PortalOptions.OriginProblem(origin) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>POSTs per minute per client address to each sign-in, registration and password-reset form.</summary>
    [Range(1, 10_000)] public int PostsPerMinute { get; set; } = 20;

    /// <summary>POSTs per minute naming one account (login, forgot password, two-factor), from any number of addresses.</summary>
    [Range(1, 10_000)] public int AccountPostsPerMinute { get; set; } = 10;

    /// <summary>Accounts created per minute per client address from the checkout's sign-up step.</summary>
    [Range(1, 10_000)] public int CheckoutSignUpsPerMinute { get; set; } = 10;
}
