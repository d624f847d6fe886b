namespace MembershipPortal.Web.Features.Setup;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalSetup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<OwnerSetupService>();
        builder.Services.AddSingleton<OwnerPresence>();
        return builder;
    }

    /// <summary>/setup exists only on a database that never had an Owner; afterwards it answers 404 like any unknown page.</summary>
    public static WebApplication UsePortalSetupGate(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase) &&
                await context.RequestServices.GetRequiredService<OwnerSetupService>().IsSetUpAsync())
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
        return app;
    }
}
