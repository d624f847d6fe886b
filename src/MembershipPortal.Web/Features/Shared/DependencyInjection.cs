using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Shared;

public static class DependencyInjection
{
    /// <summary>What the features share: the use-case runner, the file store and picture uploads.</summary>
    public static IHostApplicationBuilder AddPortalShared(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UseCaseRunner>();
        builder.Services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section);
        builder.Services.AddSingleton<FileStore>();
        builder.Services.AddSingleton<ImageUploads>();
        return builder;
    }
}
