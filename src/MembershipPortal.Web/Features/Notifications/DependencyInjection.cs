using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Notifications.Jobs;
using MembershipPortal.Web.Features.Shared.Jobs;

namespace MembershipPortal.Web.Features.Notifications;

public static class DependencyInjection
{
    /// <summary>Notices (catalogue, templates, queue), the outbox dispatcher and its job.</summary>
    public static IHostApplicationBuilder AddPortalNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddSingleton<PortalLinks>();
        builder.Services.AddSingleton<NoticeRenderer>();
        builder.Services.AddSingleton<NoticeQueue>();
        builder.Services.AddSingleton<NoticeSettings>();
        builder.Services.AddScoped<NoticeTemplateService>();
        builder.AddPortalJob<OutboxDispatchJob>(OutboxDispatchJob.Key, "outbox-dispatch-trigger", o => TimeSpan.FromSeconds(o.DispatchSeconds));
        return builder;
    }
}
