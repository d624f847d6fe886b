using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>Lets features ask for the abstract <see cref="AppDbContext"/> whichever provider is configured.</summary>
internal sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
    where TContext : AppDbContext
{
    public AppDbContext CreateDbContext() => inner.CreateDbContext();
}
