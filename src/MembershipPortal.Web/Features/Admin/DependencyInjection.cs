using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Admin;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BusinessSettings>();
        builder.Services.AddScoped<TeamService>();
        builder.Services.AddSingleton<SetupChecklist>();
        builder.Services.AddHostedService<SettingsRefresher>();
        return builder;
    }

    /// <summary>
    /// GET /branding/logo/{id}: the Owner's logo, public like the rest of the site's chrome. Only the file the logo
    /// setting names is served here, so this cannot be used to reach other uploads.
    /// </summary>
    public static WebApplication MapPortalBranding(this WebApplication app)
    {
        app.MapGet("/branding/logo/{id:guid}", async (Guid id, BusinessSettings business, IDbContextFactory<AppDbContext> dbFactory, FileStore store,
            HttpContext http, CancellationToken ct) =>
        {
            if (await business.LogoFileIdAsync(ct) != id)
                return Results.NotFound();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var file = await db.StoredFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
            if (file is null || !file.ContentType.StartsWith("image/", StringComparison.Ordinal) || !File.Exists(store.PathFor(file)))
                return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(store.PathFor(file), file.ContentType);
        });
        return app;
    }
}
