using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace MembershipPortal.Migrations.SqlServer;

/// <summary>Used by `dotnet ef` only (no server is contacted to add migrations or script them).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public SqlServerAppDbContext CreateDbContext(string[] args) =>
        new(DesignTimeServices.SqlServer("Server=(local);Database=MembershipPortal;Trusted_Connection=True;TrustServerCertificate=True"));
}
