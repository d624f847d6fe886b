using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Operations;

public static class Startup
{
    /// <summary>Applies pending migrations (never EnsureCreated: a database made that way can't be upgraded) and makes sure the roles exist.</summary>
    public static async Task PreparePortalAsync(this WebApplication app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider, ct);
        await scope.ServiceProvider.GetRequiredService<Themes.ThemeState>().InitializeAsync(ct);
        app.Logger.LogInformation("Database ready ({Provider}).", scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ProviderName);
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(ct);
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }
}
