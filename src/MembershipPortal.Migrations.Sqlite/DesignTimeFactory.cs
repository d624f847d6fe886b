using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace MembershipPortal.Migrations.Sqlite;

/// <summary>Used by `dotnet ef` only; the app builds its context from configuration.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) => new(DesignTimeServices.Sqlite("Data Source=design-time.db"));
}
