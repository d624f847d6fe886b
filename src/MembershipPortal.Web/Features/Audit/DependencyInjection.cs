using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Web.Features.Shared;

namespace MembershipPortal.Web.Features.Audit;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentActor>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, AuditCircuitHandler>();
        return builder;
    }

    /// <summary>Sets <see cref="AuditAmbient.Current"/> to the signed-in user for the rest of the request.</summary>
    public static WebApplication UsePortalAudit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            AuditAmbient.Current = context.User.Identity?.IsAuthenticated == true ? AuditActor.From(context.User) : null;
            try
            {
                await next(context);
            }
            finally
            {
                AuditAmbient.Current = null;
            }
        });
        return app;
    }
}
