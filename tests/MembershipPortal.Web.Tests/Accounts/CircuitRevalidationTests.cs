using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Components.Account;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Features.Setup;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Tests.Accounts;

/// <summary>An open circuit follows the account: a lock or a changed role ends it within a minute.</summary>
public sealed class CircuitRevalidationTests : IDisposable
{
    private readonly PortalFactory factory = new();

    private async Task<bool> StillCurrentAsync(System.Security.Claims.ClaimsPrincipal principal)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await CircuitRevalidation.IsCurrentAsync(users, principal, scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value);
    }

    [Fact]
    public async Task IsCurrent_StaffLockedOrDemoted_False_WrongPasswordLockout_StillTrue()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), CircuitRevalidation.Interval);
        var staff = await factory.CreateUserAsync("circuit.staff@example.test", "a long member passphrase", PortalRoles.Staff);
        System.Security.Claims.ClaimsPrincipal principal;
        await using (var scope = factory.Services.CreateAsyncScope())
            principal = await scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>().CreateUserPrincipalAsync(staff);
        Assert.True(await StillCurrentAsync(principal));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Neither changes the security stamp: only the lock and role checks can notice them.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(staff.Id))!;
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15));
            Assert.True(await StillCurrentAsync(principal));
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            Assert.False(await StillCurrentAsync(principal));
            await users.SetLockoutEndDateAsync(user, null);
            Assert.True(await StillCurrentAsync(principal));
            await users.RemoveFromRoleAsync(user, PortalRoles.Staff);
            Assert.False(await StillCurrentAsync(principal));
        }
    }

    [Fact]
    public async Task Migrate_DatabaseWithAnOwnerButNoMark_WritesTheSetUpMark()
    {
        await factory.CreateUserAsync("existing.owner@example.test", "a long member passphrase", PortalRoles.Owner);
        var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await using (db)
            Assert.False(await db.Settings.AnyAsync(s => s.Key == OwnerSetupService.SetUpKey));
        await using (var scope = factory.Services.CreateAsyncScope())
            await Startup.MigrateAsync(scope.ServiceProvider);
        await using var check = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.True(await check.Settings.AnyAsync(s => s.Key == OwnerSetupService.SetUpKey));
    }

    public void Dispose() => factory.Dispose();
}
