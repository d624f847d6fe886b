using MembershipPortal.Web.Features.Themes;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Utilities;

namespace MembershipPortal.Web.Tests.Themes;

/// <summary>WCAG 2.2 AA colour contrast for every shipped theme, light and dark, whatever its theme.json says.</summary>
public sealed class AccessiblePaletteTests
{
    private static string ThemesFolder()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot-themes");
        if (Directory.Exists(beside))
            return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "wwwroot-themes")))
                return Path.Combine(dir.FullName, "wwwroot-themes");
        throw new DirectoryNotFoundException("wwwroot-themes");
    }

    public static TheoryData<string> Themes() => ["aurora", "evergreen", "midnight", ThemeCatalog.BuiltInFallback];

    [Theory]
    [MemberData(nameof(Themes))]
    public void EveryTextAndFilledColour_ReadsAt45To1_InLightAndDark(string name)
    {
        var theme = name == ThemeCatalog.BuiltInFallback
            ? ThemeCatalog.Fallback()
            : new ThemeCatalog(ThemesFolder(), NullLogger<ThemeCatalog>.Instance).TryLoad(name);
        Assert.NotNull(theme);

        foreach (var palette in new Palette[] { theme.MudTheme.PaletteLight, theme.MudTheme.PaletteDark })
        {
            var failures = new List<string>();
            void Check(string what, MudColor fore, MudColor back)
            {
                var ratio = AccessiblePalette.Ratio(AccessiblePalette.Flatten(fore, back), back);
                if (ratio < 4.5)
                    failures.Add($"{what}: {ratio:0.00}");
            }
            foreach (var page in new[] { palette.Surface, palette.Background })
            {
                Check("text", palette.TextPrimary, page);
                Check("secondary text", palette.TextSecondary, page);
                Check("primary as text", palette.Primary, page);
                Check("secondary as text", palette.Secondary, page);
                Check("tertiary as text", palette.Tertiary, page);
                Check("success as text", palette.Success, page);
                Check("error as text", palette.Error, page);
                Check("warning as text", palette.Warning, page);
                Check("info as text", palette.Info, page);
            }
            Check("primary button", palette.PrimaryContrastText, palette.Primary);
            Check("secondary button", palette.SecondaryContrastText, palette.Secondary);
            Check("tertiary button", palette.TertiaryContrastText, palette.Tertiary);
            Check("success chip", palette.SuccessContrastText, palette.Success);
            Check("error chip", palette.ErrorContrastText, palette.Error);
            Check("warning chip", palette.WarningContrastText, palette.Warning);
            Check("info chip", palette.InfoContrastText, palette.Info);
            Check("app bar", palette.AppbarText, palette.AppbarBackground);
            Assert.True(failures.Count == 0, $"{name}: {string.Join("; ", failures)}");
        }
    }

    [Fact]
    public void Enforce_KeepsALegibleColour_AndOnlyDarkensTheCoralAsMuchAsNeeded()
    {
        var white = new MudColor(255, 255, 255, 255);
        var violet = new MudColor("#5B3CC4");
        Assert.Equal(violet.Value, AccessiblePalette.Ensure(violet, [white], lighten: false).Value);

        var coral = new MudColor("#FF6F59"); // 2.73:1 on white
        var fixedCoral = AccessiblePalette.Ensure(coral, [white], lighten: false);
        Assert.InRange(AccessiblePalette.Ratio(fixedCoral, white), 4.5, 5.2);
        Assert.True(fixedCoral.R > fixedCoral.G && fixedCoral.G > fixedCoral.B - 10, $"still a coral: {fixedCoral.Value}");
    }
}
