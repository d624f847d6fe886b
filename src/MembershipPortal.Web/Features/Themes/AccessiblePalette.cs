using MudBlazor;
using MudBlazor.Utilities;

namespace MembershipPortal.Web.Features.Themes;

/// <summary>
/// WCAG 2.2 AA for any theme a folder describes: every colour a person reads as text, and every filled colour with its
/// text, reaches 4.5:1. A theme picks its hues; this keeps the hue and moves the lightness as little as needed (darker on
/// a light surface, lighter on a dark one), so a coral or a bright green stays recognisably itself but stays legible.
/// </summary>
public static class AccessiblePalette
{
    public const double TextRatio = 4.5;

    /// <summary>Makes <paramref name="palette"/> legible in place.</summary>
    public static void Enforce(Palette palette)
    {
        ArgumentNullException.ThrowIfNull(palette);
        var surfaces = new[] { palette.Surface, palette.Background };
        var darkSurface = Luminance(palette.Surface) < 0.35;

        // MudBlazor's text colours are translucent black or white: flattened over the page first, then checked.
        palette.TextPrimary = Ensure(Flatten(palette.TextPrimary, palette.Background), surfaces, darkSurface);
        palette.TextSecondary = Ensure(Flatten(palette.TextSecondary, palette.Background), surfaces, darkSurface);
        palette.AppbarText = Ensure(Flatten(palette.AppbarText, palette.AppbarBackground), [palette.AppbarBackground], Luminance(palette.AppbarBackground) < 0.35);
        palette.DrawerText = Ensure(Flatten(palette.DrawerText, palette.DrawerBackground), [palette.DrawerBackground], Luminance(palette.DrawerBackground) < 0.35);

        // Filled colours: legible as text on the page, and their contrast text legible on them.
        palette.Primary = Filled(palette.Primary, surfaces, darkSurface, out var primaryText);
        palette.PrimaryContrastText = primaryText;
        palette.Secondary = Filled(palette.Secondary, surfaces, darkSurface, out var secondaryText);
        palette.SecondaryContrastText = secondaryText;
        palette.Tertiary = Filled(palette.Tertiary, surfaces, darkSurface, out var tertiaryText);
        palette.TertiaryContrastText = tertiaryText;
        palette.Info = Filled(palette.Info, surfaces, darkSurface, out var infoText);
        palette.InfoContrastText = infoText;
        palette.Success = Filled(palette.Success, surfaces, darkSurface, out var successText);
        palette.SuccessContrastText = successText;
        palette.Warning = Filled(palette.Warning, surfaces, darkSurface, out var warningText);
        palette.WarningContrastText = warningText;
        palette.Error = Filled(palette.Error, surfaces, darkSurface, out var errorText);
        palette.ErrorContrastText = errorText;
    }

    /// <summary>The WCAG contrast ratio of two colours (1 to 21), alpha ignored.</summary>
    public static double Ratio(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>WCAG relative luminance.</summary>
    public static double Luminance(MudColor c)
    {
        static double Channel(byte v)
        {
            var s = v / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(c.R) + 0.7152 * Channel(c.G) + 0.0722 * Channel(c.B);
    }

    /// <summary><paramref name="color"/> moved toward black (or white, on a dark surface) until it reads on every one of <paramref name="against"/>.</summary>
    public static MudColor Ensure(MudColor color, IReadOnlyList<MudColor> against, bool lighten)
    {
        var target = lighten ? (byte)255 : (byte)0;
        var current = color;
        for (var step = 1; step <= 40 && against.Any(b => Ratio(current, b) < TextRatio); step++)
            current = Mix(color, target, step / 40.0);
        return current;
    }

    private static MudColor Filled(MudColor color, IReadOnlyList<MudColor> surfaces, bool darkSurface, out MudColor text)
    {
        var adjusted = Ensure(color, surfaces, darkSurface);
        // White text on a colour dark enough for a light page; the page's own dark ink on a colour light enough for a dark one.
        var white = new MudColor(255, 255, 255, 255);
        var ink = darkSurface ? surfaces.MinBy(Luminance)! : new MudColor(0, 0, 0, 255);
        text = Ratio(adjusted, white) >= Ratio(adjusted, ink) ? white : ink;
        if (Ratio(adjusted, text) < TextRatio)
            adjusted = Ensure(adjusted, [text], lighten: Luminance(text) < 0.5);
        return adjusted;
    }

    /// <summary>A translucent colour as it shows over <paramref name="under"/>: opaque, so its contrast can be measured.</summary>
    public static MudColor Flatten(MudColor color, MudColor under)
    {
        var a = color.A / 255.0;
        return new MudColor(
            (byte)Math.Round(color.R * a + under.R * (1 - a)),
            (byte)Math.Round(color.G * a + under.G * (1 - a)),
            (byte)Math.Round(color.B * a + under.B * (1 - a)),
            (byte)255);
    }

    private static MudColor Mix(MudColor color, byte target, double amount) => new(
        (byte)Math.Round(color.R + (target - color.R) * amount),
        (byte)Math.Round(color.G + (target - color.G) * amount),
        (byte)Math.Round(color.B + (target - color.B) * amount),
        color.A);
}
