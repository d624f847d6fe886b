using MembershipPortal.Web.Features.Themes;

namespace MembershipPortal.Web.Features.Admin;

/// <summary>
/// With several instances, a setting the Owner changes on one must reach the others: every 15 seconds each instance
/// re-reads the theme and business profile (through the settings cache) and applies what changed.
/// </summary>
public sealed class SettingsRefresher(ThemeState themes, BusinessSettings business, TimeProvider clock, ILogger<SettingsRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await themes.RefreshAsync(stoppingToken);
                    await business.ApplyAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not refresh settings from the database; keeping the current ones.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
