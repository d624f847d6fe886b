using System.Text.Json;
using System.Text.Json.Serialization;
using MudBlazor;
using MudBlazor.Utilities;

namespace MembershipPortal.Web.Features.Themes;

/// <summary>The shape of wwwroot-themes/&lt;name&gt;/theme.json.</summary>
public sealed class ThemeFile
{
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public PaletteFile? Light { get; set; }
    public PaletteFile? Dark { get; set; }
    public TypographyFile? Typography { get; set; }
    public string? BorderRadius { get; set; }
    public string? Logo { get; set; }
    public bool DefaultDark { get; set; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };
}

public sealed class PaletteFile
{
    public string? Primary { get; set; }
    public string? Secondary { get; set; }
    public string? Tertiary { get; set; }
    public string? Background { get; set; }
    public string? Surface { get; set; }
    public string? AppbarBackground { get; set; }
    public string? AppbarText { get; set; }
    public string? DrawerBackground { get; set; }
    public string? TextPrimary { get; set; }
    public string? TextSecondary { get; set; }
}

public sealed class TypographyFile
{
    public string[]? FontFamily { get; set; }
    public string? HeadingFontWeight { get; set; }
}

/// <summary>
/// A loaded theme: its MudTheme plus what the shell and emails need. <see cref="CssUrl"/> and <see cref="LogoUrl"/> carry
/// the file's content hash (<c>?v=</c>), so browsers may keep them for a year (<see cref="ThemeFiles"/>).
/// </summary>
public sealed record PortalTheme(string Name, string DisplayName, string? Description, MudTheme MudTheme, bool DefaultDark, string? CssUrl, string? LogoUrl)
{
    public string Primary => MudTheme.PaletteLight.Primary.ToString(MudColorOutputFormats.Hex);
    public string BusinessName { get; init; } = "MembershipPortal";
}
