using Microsoft.AspNetCore.Identity;

namespace MembershipPortal.Infrastructure.Identity;

/// <summary>A person with an account: a member, or an Owner/Staff user (by role).</summary>
public class ApplicationUser : IdentityUser
{
    [PersonalData] public string? FirstName { get; set; }
    [PersonalData] public string? LastName { get; set; }
    [PersonalData] public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>The member's light/dark choice; null follows the theme's default.</summary>
    [PersonalData] public bool? PrefersDarkMode { get; set; }

    public string DisplayName => string.IsNullOrWhiteSpace(FirstName) ? (Email ?? UserName ?? "member") : $"{FirstName} {LastName}".Trim();
}

public static class PortalRoles
{
    public const string Owner = "Owner";
    public const string Staff = "Staff";
    public static readonly string[] All = [Owner, Staff];
}

public static class PortalPolicies
{
    /// <summary>Owner or Staff: the admin area.</summary>
    public const string Admin = "Admin";
    /// <summary>Owner only: settings.</summary>
    public const string Owner = "Owner";
}
