using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Shared;

public static class DependencyInjection
{
    /// <summary>What every feature's use cases share: the one runner (unit of work, actor check, audit in the same save).</summary>
    public static IHostApplicationBuilder AddPortalShared(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UseCaseRunner>();
        return builder;
    }
}
