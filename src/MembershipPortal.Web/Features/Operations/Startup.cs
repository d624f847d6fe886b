using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Themes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// Runs when the host starts, before the server takes requests: applies pending migrations (never EnsureCreated,
/// which makes a database that can't be upgraded), makes sure the roles exist and loads the Owner's theme.
/// </summary>
public sealed class Startup(IServiceProvider services, ILogger<Startup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider, cancellationToken);
        await scope.ServiceProvider.GetRequiredService<ThemeState>().InitializeAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<Admin.BusinessSettings>().ApplyAsync(cancellationToken);
        logger.LogInformation("Database ready ({Provider}).", scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ProviderName);
        var environment = scope.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var from = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.Email.EmailOptions>>().Value.From;
        if (!environment.IsDevelopment() && string.Equals(from, "portal@localhost", StringComparison.OrdinalIgnoreCase))
            logger.LogWarning("Email:From is still the default portal@localhost: members' mail servers will reject or bin it. " +
                              "Set Email:From to an address of your own domain.");
        if (!environment.IsDevelopment() && Shared.SecureCookies.PlainHttp(scope.ServiceProvider.GetRequiredService<IConfiguration>()))
            logger.LogWarning("Portal:PublicUrl is a plain http address: sign-in and form cookies are sent unencrypted and are " +
                              "not marked Secure. Use an https address for real members.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The schema up to date, then the rows every writer relies on (the roles, the "set up" mark).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await MigrateSchemaAsync(services, ct);
        var db = services.GetRequiredService<AppDbContext>();
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        // A database set up before the persisted "set up" mark gets it now, so /setup can never reopen.
        await Setup.OwnerSetupService.MarkIfOwnerExistsAsync(db, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
    }

    /// <summary>
    /// Only the schema: what a read-only command (<c>metrics</c>) needs. It writes no rows, so it skips the role and
    /// setup checks (a quarter of a command's fixed cost: their first queries compile).
    /// </summary>
    public static async Task MigrateSchemaAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        // Migrate takes a database-wide lock first; an up-to-date database (every start, every CLI command) needs only the
        // history table read.
        if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
            await db.Database.MigrateAsync(ct);
        // WAL lets readers go on while one writer commits (webhooks, renewals, page views); the mode is stored in the file.
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}
