using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MembershipPortal.Web.Features.Public;

public static class DependencyInjection
{
    /// <summary>The public pages' output cache (<see cref="PublicPageCache"/>) and what evicts it.</summary>
    public static IHostApplicationBuilder AddPortalPublicPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOutputCache(options => options.AddPolicy(PublicPageCache.Policy, new PublicPageCache()));
        builder.Services.AddSingleton<IInterceptor, PublicPageCache.Evictor>();
        return builder;
    }

    /// <summary>After authentication (the cache serves anonymous visitors only) and before the pages.</summary>
    public static WebApplication UsePortalPageCache(this WebApplication app)
    {
        app.UseOutputCache();
        return app;
    }
}
