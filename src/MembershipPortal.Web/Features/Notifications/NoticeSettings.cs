using System.Globalization;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Domain.Notifications;
using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>When the scheduled notices go: renewal reminder days and the win-back delay (0 = off, the default).</summary>
public sealed record NoticeSchedule(RenewalReminderPolicy Reminders, int WinBackDays)
{
    public const int TrialEndingDays = 3;
    public const int MaxWinBackDays = 365;

    public static readonly NoticeSchedule Default = new(RenewalReminderPolicy.Default, 0);

    public bool WinBackEnabled => WinBackDays > 0;
}

public sealed class NoticeSettings(SettingsStore settings)
{
    public const string ShortReminderKey = "notices.reminder-days";
    public const string YearlyReminderKey = "notices.reminder-days-yearly";
    public const string WinBackKey = "notices.winback-days";

    public async Task<NoticeSchedule> GetAsync(CancellationToken ct = default)
    {
        var d = NoticeSchedule.Default;
        try
        {
            var shortDays = await settings.GetAsync(ShortReminderKey, ct) is { } s ? DunningPolicy.ParseDays(s) : d.Reminders.ShortPeriodDays;
            var yearly = await settings.GetAsync(YearlyReminderKey, ct) is { } y ? DunningPolicy.ParseDays(y) : d.Reminders.YearlyDays;
            var winBack = int.TryParse(await settings.GetAsync(WinBackKey, ct), out var w) ? w : d.WinBackDays;
            return new NoticeSchedule(new RenewalReminderPolicy(shortDays, yearly), Math.Clamp(winBack, 0, NoticeSchedule.MaxWinBackDays));
        }
        catch (DomainException)
        {
            return d;
        }
    }

    /// <summary>Parses and saves the Owner's schedule; returns an error message, or null when saved.</summary>
    public async Task<string?> SaveAsync(string shortDays, string yearlyDays, int winBackDays, CancellationToken ct = default)
    {
        try
        {
            var reminders = new RenewalReminderPolicy(DunningPolicy.ParseDays(shortDays), DunningPolicy.ParseDays(yearlyDays));
            if (winBackDays is < 0 or > NoticeSchedule.MaxWinBackDays)
                return $"The win-back delay must be between 0 (off) and {NoticeSchedule.MaxWinBackDays} days.";
            await settings.SetManyAsync(new Dictionary<string, string>
            {
                [ShortReminderKey] = DunningPolicy.FormatDays(reminders.ShortPeriodDays),
                [YearlyReminderKey] = DunningPolicy.FormatDays(reminders.YearlyDays),
                [WinBackKey] = winBackDays.ToString(CultureInfo.InvariantCulture),
            }, ct);
            return null;
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
    }
}
