using System.ComponentModel.DataAnnotations;

namespace MembershipPortal.Web.Features.Operations;

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Folder name under wwwroot-themes used until the Owner picks another.</summary>
    [Required] public string Theme { get; set; } = "aurora";

    /// <summary>Public address used in email links when no request is at hand (jobs); requests use their own host.</summary>
    [Url] public string? BaseUrl { get; set; }
}

public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>POSTs per minute per client address to each sign-in, registration and password-reset form.</summary>
    [Range(1, 10_000)] public int PostsPerMinute { get; set; } = 20;
}
