using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// Who is acting in this scope, for audit entries: the request's user during a request or prerender, the circuit's
/// user in an interactive circuit, otherwise the system (jobs, command line).
/// </summary>
public sealed class CurrentActor(IServiceProvider services)
{
    public async Task<AuditActor> GetAsync()
    {
        if (AuditAmbient.Current is { } ambient)
            return ambient;
        var http = services.GetService<IHttpContextAccessor>()?.HttpContext;
        if (http?.User.Identity?.IsAuthenticated == true)
            return AuditActor.From(http.User);
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

    /// <summary>
    /// Who acts, for deciding what they may do: as <see cref="GetAsync"/>, except that inside a request nobody signed in
    /// is anonymous; only work outside any request (jobs, the command line) is the system.
    /// </summary>
    public async Task<AuditActor> GetActingAsync()
    {
        var who = await GetAsync();
        return who.Id is null && services.GetService<IHttpContextAccessor>()?.HttpContext is not null ? AuditActor.Anonymous : who;
    }

    /// <summary>
    /// The one check every Owner/Staff action makes when it runs (not when its page loaded): the acting user still
    /// exists, is not locked, holds the role <paramref name="action"/> needs, and, if Staff, does not act on an Owner
    /// or Staff account (<paramref name="targetMemberId"/>). Returns the actor as the database knows them now; throws
    /// <see cref="ActionRefusedException"/> otherwise. Jobs and the command line act as the system and pass.
    /// </summary>
    public async Task<AuditActor> RequireAsync(string action, string? targetMemberId = null, CancellationToken ct = default)
    {
        var who = await GetActingAsync();
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        return await AdminAccess.CheckAsync(db, who, action, targetMemberId, ct);
    }
}

/// <summary>Sets <see cref="AuditAmbient.Current"/> to the circuit's user around every interactive event.</summary>
public sealed class AuditCircuitHandler(AuthenticationStateProvider auth) : Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler
{
    public override Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> next) => async context =>
    {
        AuditActor? actor = null;
        try
        {
            var user = (await auth.GetAuthenticationStateAsync()).User;
            // A circuit whose user was signed out (revalidation failed) is anonymous, never the all-powerful system.
            actor = user.Identity?.IsAuthenticated == true ? AuditActor.From(user) : AuditActor.Anonymous;
        }
        catch (InvalidOperationException)
        {
            // Before the circuit has its authentication state (the first activity), nobody is acting yet.
        }
        AuditAmbient.Current = actor;
        try
        {
            await next(context);
        }
        finally
        {
            AuditAmbient.Current = null;
        }
    };
}
