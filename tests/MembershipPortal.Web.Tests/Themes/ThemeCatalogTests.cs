using MembershipPortal.Web.Features.Themes;
using Microsoft.Extensions.Logging.Abstractions;

namespace MembershipPortal.Web.Tests.Themes;

public sealed class ThemeCatalogTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("themes").FullName;
    private ThemeCatalog Catalog => new(dir, NullLogger<ThemeCatalog>.Instance);

    private void Write(string name, string json)
    {
        Directory.CreateDirectory(Path.Combine(dir, name));
        File.WriteAllText(Path.Combine(dir, name, "theme.json"), json);
    }

    [Fact]
    public void TryLoad_ValidTheme_MapsPaletteTypographyAndRadius()
    {
        Write("sea", """{ "displayName": "Sea", "light": { "primary": "#112233" }, "dark": { "primary": "#445566" }, "typography": { "fontFamily": ["Georgia"] }, "borderRadius": "3px" }""");
        var theme = Catalog.TryLoad("sea");
        Assert.NotNull(theme);
        Assert.Equal("Sea", theme.DisplayName);
        Assert.Equal("#112233", theme.Primary);
        // Too dark to read on a dark page, so it is lightened to 4.5:1 (AccessiblePaletteTests), keeping its hue.
        var dark = theme.MudTheme.PaletteDark;
        Assert.NotEqual("#445566ff", dark.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.HexA));
        Assert.True(AccessiblePalette.Ratio(dark.Primary, dark.Surface) >= 4.5);
        Assert.True(dark.Primary.B > dark.Primary.G && dark.Primary.G > dark.Primary.R);
        Assert.Equal(new[] { "Georgia" }, theme.MudTheme.Typography.Default.FontFamily!);
        Assert.Equal("3px", theme.MudTheme.LayoutProperties.DefaultBorderRadius);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "light": { "primary": "not-a-colour" } }""")]
    public void TryLoad_MalformedTheme_ReturnsNull(string json)
    {
        Write("broken", json);
        Assert.Null(Catalog.TryLoad("broken"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("../etc")]
    [InlineData("")]
    public void TryLoad_MissingOrUnsafeName_ReturnsNull(string name) => Assert.Null(Catalog.TryLoad(name));

    [Fact]
    public void Names_ListsOnlyFoldersWithThemeJson()
    {
        Write("b", "{}");
        Write("a", "{}");
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        Assert.Equal(["a", "b"], Catalog.Names());
    }

    [Fact]
    public void ShippedThemes_AtLeastThreeDistinctAndAllLoad()
    {
        var shipped = new ThemeCatalog(DependencyInjection.FindThemesDirectory(null, AppContext.BaseDirectory), NullLogger<ThemeCatalog>.Instance);
        var all = shipped.All();
        Assert.True(all.Count >= 3, $"only {all.Count} themes");
        Assert.Equal(shipped.Names().Count, all.Count);
        Assert.Equal(all.Count, all.Select(t => t.Primary).Distinct().Count());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
