namespace MembershipPortal.Web.Features.Webhooks;

public static class DependencyInjection
{
    /// <summary>The Owner's webhook page (the endpoint itself and its processor come with the payments registration).</summary>
    public static IHostApplicationBuilder AddPortalWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WebhookLogService>();
        return builder;
    }
}
