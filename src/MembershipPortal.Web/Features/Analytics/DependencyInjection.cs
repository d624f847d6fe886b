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
        return builder;
    }
}
