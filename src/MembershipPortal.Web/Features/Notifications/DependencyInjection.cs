using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Notifications.Jobs;

namespace MembershipPortal.Web.Features.Notifications;

public static class DependencyInjection
{
    /// <summary>Notices (catalogue, templates, queue), the outbox dispatcher, and the Quartz jobs when Jobs:Enabled.</summary>
    public static IHostApplicationBuilder AddPortalNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddSingleton<PortalLinks>();
        builder.Services.AddSingleton<NoticeRenderer>();
        builder.Services.AddSingleton<NoticeQueue>();
        builder.Services.AddSingleton<NoticeSettings>();
        builder.Services.AddSingleton<NoticeRun>();
        builder.Services.AddScoped<NoticeTemplateService>();
        builder.AddPortalJobs();
        return builder;
    }
}
