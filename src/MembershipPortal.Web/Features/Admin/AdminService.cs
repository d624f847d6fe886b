using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Admin;

public sealed record AdminOverview(int Accounts, int ConfirmedAccounts, int StaffAndOwners);

public sealed class AdminService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<AdminOverview> OverviewAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var adminRoleIds = db.Roles.Where(r => r.Name == PortalRoles.Owner || r.Name == PortalRoles.Staff).Select(r => r.Id);
        var admins = await db.UserRoles.Where(ur => adminRoleIds.Contains(ur.RoleId)).Select(ur => ur.UserId).Distinct().CountAsync(ct);
        return new AdminOverview(await db.Users.CountAsync(ct), await db.Users.CountAsync(u => u.EmailConfirmed, ct), admins);
    }
}

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AdminService>();
        return builder;
    }
}
