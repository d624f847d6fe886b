using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Shared;

public static partial class Words
{
    private static readonly Dictionary<string, string> SettingNames = new(StringComparer.Ordinal)
    {
        [SettingKeys.Theme] = "Theme",
        [SettingKeys.BusinessName] = "Business name",
        [SettingKeys.SupportEmail] = "Support email",
        [SettingKeys.ReportingCurrency] = "Reporting currency",
        [SettingKeys.TimeZone] = "Time zone",
        [SettingKeys.LogoFile] = "Logo",
        [SettingKeys.BusinessAddress] = "Business address",
        [SettingKeys.TaxId] = "Tax ID",
        [BillingSettings.DowngradeKey] = "When downgrades apply",
        [BillingSettings.SaveOfferKey] = "Cancel save offer",
        [BillingSettings.SaveOfferPercentKey] = "Save offer discount (percent)",
        [BillingSettings.SaveOfferMonthsKey] = "Save offer discount (months)",
        [BillingSettings.RetryDaysKey] = "Payment retry days",
        [BillingSettings.GraceDaysKey] = "Grace period (days)",
        [BillingSettings.FinalActionKey] = "After the grace period",
        ["notices.reminder-days"] = "Renewal reminder days",
        ["notices.reminder-days-yearly"] = "Yearly renewal reminder days",
        ["notices.winback-days"] = "Win-back email delay (days)",
        ["catalog.most-popular"] = "“Most popular” plan",
        ["analytics.gross-margin"] = "Gross margin (percent)",
        ["analytics.gross-margin-source"] = "Gross margin source",
        ["boxes.ship-past-due-in-grace"] = "Ship to past-due members in grace",
        ["boxes.skip-counts-as-pause"] = "A skipped box counts as a pause",
        ["dashboard.checklist-dismissed"] = "Setup checklist hidden",
    };

    /// <summary>
    /// A setting's name as the Owner reads it on <c>/admin/settings</c> ("Theme" for <c>portal.theme</c>, "Marketing spend,
    /// March 2026" for a month's spend); a key without its own words reads as its parts, never as the dotted key.
    /// </summary>
    public static string Setting(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
            return "Setting";
        if (SettingNames.TryGetValue(key, out var name))
            return name;
        if (key.StartsWith("analytics.spend.", StringComparison.Ordinal))
            return $"Marketing spend, {Month(key["analytics.spend.".Length..])}";
        var last = key[(key.LastIndexOf('.') + 1)..];
        return Of(last.Length > 0 ? last : key);
    }

    /// <summary>Whether the key has its own name (a test holds every declared key to it).</summary>
    public static bool HasSettingName(string key) => SettingNames.ContainsKey(key);

    /// <summary>
    /// A setting's stored value as words: switches read "On"/"Off", choices are spelt out, a month's spend (kept in minor
    /// units of the reporting currency) reads as an amount, text stays as typed.
    /// </summary>
    public static string SettingValue(string? key, string? value) => value switch
    {
        _ when key?.StartsWith("analytics.spend.", StringComparison.Ordinal) == true
            && long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var minor)
            => (minor / 100m).ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture),
        null => "—",
        "" => "(empty)",
        "true" or "True" => "On",
        "false" or "False" => "Off",
        _ when value.Length <= 40 && value.All(char.IsAsciiLetter) && char.IsUpper(value[0]) => Of(value),
        _ => value,
    };

    /// <summary>The audit trail's way to name settings: plugged into <see cref="SettingsStore"/>.</summary>
    public sealed class SettingNamer : ISettingNames
    {
        public string Name(string key) => Setting(key);
    }
}
