using System.ComponentModel.DataAnnotations;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Themes;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Admin;

/// <summary>The business profile the Owner edits at /admin/settings.</summary>
public sealed class BusinessProfile
{
    public string BusinessName { get; set; } = "";
    public string? SupportEmail { get; set; }
    public string ReportingCurrency { get; set; } = "USD";
    public string TimeZoneId { get; set; } = "UTC";
    /// <summary>Printed on receipts under the business name, one line per line.</summary>
    public string? BusinessAddress { get; set; }
    /// <summary>Printed on receipts (a VAT, GST or EIN number).</summary>
    public string? TaxId { get; set; }
}

/// <summary>
/// Reads and writes the business profile (name, support email, reporting currency, time zone, logo). A save is
/// validated whole and written in one transaction (audited per value); the theme, emails and analytics pick it up at
/// once on this instance.
/// </summary>
public sealed class BusinessSettings(SettingsStore settings, ThemeState themes, AnalyticsStore analytics, IOptions<AnalyticsOptions> analyticsOptions)
{
    public const long MaxLogoBytes = 512 * 1024;
    public static IReadOnlyList<string> LogoTypes => ImageUploads.Types;


    public async Task<BusinessProfile> GetAsync(CancellationToken ct = default) => new()
    {
        BusinessName = await settings.GetAsync(SettingKeys.BusinessName, ct) ?? themes.Current.BusinessName,
        SupportEmail = await settings.GetAsync(SettingKeys.SupportEmail, ct),
        ReportingCurrency = await settings.GetAsync(SettingKeys.ReportingCurrency, ct) ?? analyticsOptions.Value.ReportingCurrency.ToUpperInvariant(),
        TimeZoneId = await settings.GetAsync(SettingKeys.TimeZone, ct) ?? "UTC",
        BusinessAddress = await settings.GetAsync(SettingKeys.BusinessAddress, ct),
        TaxId = await settings.GetAsync(SettingKeys.TaxId, ct),
    };

    public const int MaxAddressLength = 300;
    public const int MaxAddressLines = 6;
    public const int MaxTaxIdLength = 40;

    /// <summary>The business's time zone; UTC when unset or unknown on this machine.</summary>
    public Task<TimeZoneInfo> TimeZoneAsync(CancellationToken ct = default) => new Shared.BusinessTimeZone(settings).GetAsync(ct);

    public static TimeZoneInfo? FindZone(string? id) => Shared.BusinessTimeZone.FindZone(id);

    public static IReadOnlyList<string> TimeZoneIds { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Order(StringComparer.Ordinal)];

    /// <summary>Checks and saves the profile; returns the problems (nothing is saved when there are any).</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(BusinessProfile profile, CancellationToken ct = default)
    {
        var (errors, values) = Check(profile);
        if (errors.Count > 0)
            return errors;
        await settings.SetManyAsync(values, ct);
        await ApplyAsync(ct);
        return [];
    }

    /// <summary>What is wrong with the profile (empty when it can be saved), e.g. before /setup creates the Owner.</summary>
    public static IReadOnlyList<string> Problems(BusinessProfile profile) => Check(profile).Errors;

    private static (List<string> Errors, Dictionary<string, string> Values) Check(BusinessProfile profile)
    {
        var errors = new List<string>();
        var name = (profile.BusinessName ?? "").Trim();
        if (name.Length is 0 or > 100)
            errors.Add("The business name is required and can be at most 100 characters.");
        var email = (profile.SupportEmail ?? "").Trim();
        if (email.Length > 0 && (email.Length > 256 || !new EmailAddressAttribute().IsValid(email)))
            errors.Add("The support email must be a valid address, such as help@example.com, or left empty.");
        var currency = (profile.ReportingCurrency ?? "").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            errors.Add("The reporting currency is a three-letter ISO code, such as USD or EUR.");
        var zone = FindZone(profile.TimeZoneId);
        if (zone is null)
            errors.Add("Choose a time zone from the list.");
        var address = string.Join("\n", (profile.BusinessAddress ?? "").Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        if (address.Length > MaxAddressLength || address.Count(c => c == '\n') >= MaxAddressLines)
            errors.Add($"The business address can be at most {MaxAddressLines} lines and {MaxAddressLength} characters.");
        var taxId = (profile.TaxId ?? "").Trim();
        if (taxId.Length > MaxTaxIdLength || taxId.Any(char.IsControl))
            errors.Add($"The tax ID is one line of at most {MaxTaxIdLength} characters, such as GB123456789.");
        return (errors, errors.Count > 0 ? [] : new Dictionary<string, string>
        {
            [SettingKeys.BusinessAddress] = address,
            [SettingKeys.TaxId] = taxId,
            [SettingKeys.BusinessName] = name,
            [SettingKeys.SupportEmail] = email,
            [SettingKeys.ReportingCurrency] = currency,
            [SettingKeys.TimeZone] = zone!.Id,
        });
    }

    /// <summary>Points the logo at an uploaded image (already stored and checked by <see cref="FileStore"/>), or clears it.</summary>
    public async Task SetLogoAsync(Guid? fileId, CancellationToken ct = default)
    {
        await settings.SetAsync(SettingKeys.LogoFile, fileId?.ToString() ?? "", ct);
        await ApplyAsync(ct);
    }

    public async Task<Guid?> LogoFileIdAsync(CancellationToken ct = default) =>
        Guid.TryParse(await settings.GetAsync(SettingKeys.LogoFile, ct), out var id) ? id : null;

    /// <summary>Hands the profile to the parts that show it: the theme (name, logo) and analytics (currency).</summary>
    public async Task ApplyAsync(CancellationToken ct = default)
    {
        var name = await settings.GetAsync(SettingKeys.BusinessName, ct);
        var logo = await LogoFileIdAsync(ct);
        themes.SetBranding(string.IsNullOrWhiteSpace(name) ? null : name, logo is { } id ? $"/branding/logo/{id:N}" : null);
        analytics.SetReportingCurrency(await settings.GetAsync(SettingKeys.ReportingCurrency, ct));
    }
}
