namespace MembershipPortal.Web.Features.Dunning;

public static class DependencyInjection
{
    /// <summary>The Owner's dunning list and policy settings (the dunning rules run inside RenewalRun).</summary>
    public static IHostApplicationBuilder AddPortalDunning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<DunningService>();
        return builder;
    }
}
