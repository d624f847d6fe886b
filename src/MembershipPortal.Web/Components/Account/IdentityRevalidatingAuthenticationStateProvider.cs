using System.Security.Claims;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Components.Account;

// Revalidates the connected user of an interactive circuit every minute (the template's 30 minutes let a locked or
// demoted user's open tab go on for half an hour): the account still exists, its security stamp is unchanged, it is
// not locked by the Owner or Staff, and it holds exactly the admin roles the circuit started with. Otherwise the
// circuit's user is signed out and its pages re-render as anonymous. Each action also re-checks (CurrentActor).
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => CircuitRevalidation.Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await CircuitRevalidation.IsCurrentAsync(userManager, authenticationState.User, options.Value);
    }
}

/// <summary>What a circuit's revalidation checks, and how often.</summary>
public static class CircuitRevalidation
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// True while the principal still stands for the account as it is: it exists, is not locked by the Owner or Staff
    /// (a lockout after wrong passwords does not end the holder's session), holds exactly the admin roles the
    /// principal claims, and has the same security stamp.
    /// </summary>
    public static async Task<bool> IsCurrentAsync(UserManager<ApplicationUser> userManager, ClaimsPrincipal principal, IdentityOptions options)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null || AdminAccess.IsLocked(user))
            return false;
        var roles = await userManager.GetRolesAsync(user);
        if (PortalRoles.All.Any(role => principal.IsInRole(role) != roles.Contains(role)))
            return false;
        if (!userManager.SupportsUserSecurityStamp)
            return true;
        var principalStamp = principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await userManager.GetSecurityStampAsync(user);
    }
}
