using System.Text.Json;
using MudBlazor;
using MudBlazor.Utilities;

namespace MembershipPortal.Web.Features.Themes;

/// <summary>Reads the theme folders. A missing or malformed theme is reported, never thrown, so callers can fall back.</summary>
public sealed class ThemeCatalog(string directory, ILogger<ThemeCatalog> logger)
{
    public const string BuiltInFallback = "built-in";
    public string Directory { get; } = directory;

    public IReadOnlyList<string> Names() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetDirectories(Directory).Where(d => File.Exists(Path.Combine(d, "theme.json")))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    public IReadOnlyList<PortalTheme> All() => Names().Select(TryLoad).OfType<PortalTheme>().ToList();

    public PortalTheme? TryLoad(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', '.']) >= 0)
        {
            logger.LogWarning("Theme name '{Theme}' is not a folder name.", name);
            return null;
        }
        var folder = Path.Combine(Directory, name);
        var file = Path.Combine(folder, "theme.json");
        if (!File.Exists(file))
        {
            logger.LogWarning("Theme '{Theme}' not found at {Path}.", name, file);
            return null;
        }
        try
        {
            var spec = JsonSerializer.Deserialize<ThemeFile>(File.ReadAllText(file), ThemeFile.Json)
                       ?? throw new JsonException("empty file");
            var logo = spec.Logo is { Length: > 0 } l ? ThemeFiles.VersionedUrl(folder, name, Path.GetFileName(l)) : null;
            return new PortalTheme(name, spec.DisplayName ?? name, spec.Description, ToMudTheme(spec), spec.DefaultDark,
                ThemeFiles.VersionedUrl(folder, name, "theme.css"), logo);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or IOException)
        {
            logger.LogWarning("Theme '{Theme}' is malformed ({Error}); using the default instead.", name, ex.Message);
            return null;
        }
    }

    public static PortalTheme Fallback()
    {
        var theme = new MudTheme();
        AccessiblePalette.Enforce(theme.PaletteLight);
        AccessiblePalette.Enforce(theme.PaletteDark);
        return new(BuiltInFallback, "Built-in", null, theme, false, null, null);
    }

    private static MudTheme ToMudTheme(ThemeFile spec)
    {
        var theme = new MudTheme();
        Apply(theme.PaletteLight, spec.Light);
        Apply(theme.PaletteDark, spec.Dark);
        // Whatever the folder says, what people read reaches WCAG AA (4.5:1).
        AccessiblePalette.Enforce(theme.PaletteLight);
        AccessiblePalette.Enforce(theme.PaletteDark);
        if (spec.Typography?.FontFamily is { Length: > 0 } fonts)
            theme.Typography.Default.FontFamily = fonts;
        if (spec.Typography?.HeadingFontWeight is { } weight)
            foreach (var h in new BaseTypography[] { theme.Typography.H1, theme.Typography.H2, theme.Typography.H3, theme.Typography.H4, theme.Typography.H5, theme.Typography.H6 })
                h.FontWeight = weight;
        if (spec.BorderRadius is { Length: > 0 } radius)
            theme.LayoutProperties.DefaultBorderRadius = radius;
        return theme;
    }

    private static void Apply(Palette palette, PaletteFile? p)
    {
        if (p is null)
            return;
        // MudColor throws on a malformed colour, which TryLoad turns into a fallback.
        if (p.Primary is { } primary)
            palette.Primary = new MudColor(primary);
        if (p.Secondary is { } secondary)
            palette.Secondary = new MudColor(secondary);
        if (p.Tertiary is { } tertiary)
            palette.Tertiary = new MudColor(tertiary);
        if (p.Background is { } background)
            palette.Background = new MudColor(background);
        if (p.Surface is { } surface)
            palette.Surface = new MudColor(surface);
        if (p.AppbarBackground is { } appbar)
            palette.AppbarBackground = new MudColor(appbar);
        if (p.AppbarText is { } appbarText)
            palette.AppbarText = new MudColor(appbarText);
        if (p.DrawerBackground is { } drawer)
            palette.DrawerBackground = new MudColor(drawer);
        if (p.TextPrimary is { } text)
            palette.TextPrimary = new MudColor(text);
        if (p.TextSecondary is { } text2)
            palette.TextSecondary = new MudColor(text2);
    }
}
