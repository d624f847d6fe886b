using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Operations;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Themes;

/// <summary>The active theme for every circuit. The Owner's choice is stored in settings; a switch applies at once, no restart.</summary>
public sealed class ThemeState(ThemeCatalog catalog, SettingsStore settings, IOptions<PortalOptions> options, ILogger<ThemeState> logger)
{
    private PortalTheme? current;
    private string? brandName, brandLogo;

    /// <summary>The theme with the Owner's business name and logo (from settings) laid over the theme's own.</summary>
    public PortalTheme Current => Brand(current ??= Resolve(options.Value.Theme));

    private PortalTheme Brand(PortalTheme theme) =>
        brandName is null && brandLogo is null ? theme : theme with { BusinessName = brandName ?? theme.BusinessName, LogoUrl = brandLogo ?? theme.LogoUrl };

    /// <summary>Sets (or clears, with null) the business name and logo shown in place of the theme's.</summary>
    public void SetBranding(string? businessName, string? logoUrl)
    {
        if ((brandName, brandLogo) == (businessName, logoUrl))
            return;
        (brandName, brandLogo) = (businessName, logoUrl);
        Changed?.Invoke();
    }

    /// <summary>Raised after the Owner switches theme; layouts re-render.</summary>
    public event Action? Changed;

    public IReadOnlyList<PortalTheme> Available() => catalog.All();

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var chosen = await settings.GetAsync(SettingKeys.Theme, ct);
        current = Resolve(chosen ?? options.Value.Theme);
    }

    /// <summary>Picks up a theme switched on another instance (settings are shared through the database).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var chosen = await settings.GetAsync(SettingKeys.Theme, ct) ?? options.Value.Theme;
        if (current is not null && chosen == current.Name)
            return;
        current = Resolve(chosen);
        Changed?.Invoke();
    }

    /// <summary>Switches theme. Returns false (and changes nothing) when the theme is missing or malformed.</summary>
    public async Task<bool> SwitchAsync(string name, CancellationToken ct = default)
    {
        if (catalog.TryLoad(name) is not { } theme)
            return false;
        await settings.SetAsync(SettingKeys.Theme, name, ct);
        current = theme;
        Changed?.Invoke();
        return true;
    }

    private PortalTheme Resolve(string name)
    {
        if (catalog.TryLoad(name) is { } theme)
            return theme;
        var fallback = new PortalOptions().Theme;
        if (name != fallback && catalog.TryLoad(fallback) is { } def)
        {
            logger.LogWarning("Falling back to the default theme '{Default}'.", fallback);
            return def;
        }
        logger.LogWarning("No usable theme in {Directory}; using MudBlazor's built-in look.", catalog.Directory);
        return ThemeCatalog.Fallback();
    }
}
