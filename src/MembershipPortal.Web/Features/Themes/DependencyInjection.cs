using Microsoft.Extensions.FileProviders;

namespace MembershipPortal.Web.Features.Themes;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalThemes(this IHostApplicationBuilder builder)
    {
        var directory = FindThemesDirectory(builder.Configuration["Portal:ThemesPath"], builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(sp => new ThemeCatalog(directory, sp.GetRequiredService<ILogger<ThemeCatalog>>()));
        builder.Services.AddSingleton<ThemeState>();
        return builder;
    }

    /// <summary>Serves each theme's theme.css and logo under /themes/&lt;name&gt;/.</summary>
    public static WebApplication MapPortalThemeFiles(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<ThemeCatalog>();
        if (Directory.Exists(catalog.Directory))
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(catalog.Directory),
                RequestPath = "/themes",
                OnPrepareResponse = ThemeFiles.SetCacheHeader,
            });
        return app;
    }

    /// <summary>Configured path, else the copy beside the binaries, else the repository's wwwroot-themes above the content root.</summary>
    internal static string FindThemesDirectory(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured, contentRoot);
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot-themes");
        if (Directory.Exists(beside))
            return beside;
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "wwwroot-themes");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return beside;
    }
}
