namespace MembershipPortal.Web.Features.Catalog;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CatalogService>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        return builder;
    }
}
