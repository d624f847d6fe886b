using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MembershipPortal.Web.Features.Public;

public static class DependencyInjection
{
    /// <summary>The public pages' output cache (<see cref="PublicPageCache"/>) and what evicts it.</summary>
    public static IHostApplicationBuilder AddPortalPublicPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOutputCache(options => options.AddPolicy(PublicPageCache.Policy, new PublicPageCache()));
        builder.Services.AddSingleton<IInterceptor, PublicPageCache.Evictor>();
        builder.Services.AddResponseCompression(PublicPageCompression.Configure);
        builder.Services.AddSingleton<IResponseCompressionProvider, PublicPageCompression>();
        PublicPageCompression.Levels(builder.Services);
        return builder;
    }

    /// <summary>
    /// After authentication (the cache serves anonymous visitors only) and before the pages; the compression inside the
    /// cache, so the cache stores the compressed page.
    /// </summary>
    public static WebApplication UsePortalPageCache(this WebApplication app)
    {
        app.UseOutputCache();
        app.UseResponseCompression();
        return app;
    }
}
