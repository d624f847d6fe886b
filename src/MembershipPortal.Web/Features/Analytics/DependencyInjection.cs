namespace MembershipPortal.Web.Features.Analytics;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AnalyticsStore>();
        builder.Services.AddScoped<AnalyticsSettings>();
        builder.Services.AddScoped<AnalyticsService>();
        builder.Services.AddScoped<HistoryImportService>();
        builder.Services.AddScoped<DemoSeeder>();
        builder.Services.AddHostedService<AnalyticsWarmUp>();
        return builder;
    }
}

/// <summary>
/// Folds the history once after start-up and computes the dashboard /admin opens with, so the Owner's first dashboard
/// neither folds the history nor builds its tables (Analytics:WarmUp, default true).
/// </summary>
public sealed class AnalyticsWarmUp(AnalyticsStore store, IServiceScopeFactory scopes, IConfiguration configuration, ILogger<AnalyticsWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Analytics:WarmUp", true))
            return;
        await Task.Yield();
        try
        {
            await store.ReadAsync(s => s.Engine.ChangeCount, stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            var analytics = scope.ServiceProvider.GetRequiredService<AnalyticsService>();
            await analytics.DashboardAsync(analytics.DefaultDashboard, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Warming up the metrics failed; the first dashboard will fold the history instead.");
        }
    }
}
