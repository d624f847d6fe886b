using MembershipPortal.Infrastructure.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace MembershipPortal.Web.Features.Audit;

/// <summary>
/// Who is acting in this scope, for audit entries: the request's user during a request or prerender, the circuit's
/// user in an interactive circuit, otherwise the system (jobs, command line).
/// </summary>
public sealed class CurrentActor(IServiceProvider services)
{
    public async Task<AuditActor> GetAsync()
    {
        var http = services.GetService<IHttpContextAccessor>()?.HttpContext;
        if (http?.User.Identity?.IsAuthenticated == true) return AuditActor.From(http.User);
        if (services.GetService<AuthenticationStateProvider>() is { } auth)
        {
            try
            {
                return AuditActor.From((await auth.GetAuthenticationStateAsync()).User);
            }
            catch (InvalidOperationException)
            {
                // Outside a circuit the server provider has no state to give.
            }
        }
        return AuditActor.System;
    }
}

public static class AuditDependencyInjection
{
    public static IHostApplicationBuilder AddPortalAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentActor>();
        return builder;
    }
}
