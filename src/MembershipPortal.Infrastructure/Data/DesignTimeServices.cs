using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>
/// For contexts built outside the app's container (design-time factories, tests): gives Identity the same
/// schema version (3, with passkeys) the app configures, so migrations and the runtime model agree.
/// </summary>
public static class DesignTimeServices
{
    private static readonly Lazy<IServiceProvider> Services = new(() =>
        new ServiceCollection()
            .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider());

    public static DbContextOptionsBuilder<T> WithIdentitySchema<T>(this DbContextOptionsBuilder<T> builder) where T : DbContext =>
        builder.UseApplicationServiceProvider(Services.Value);

    public static DbContextOptions<SqliteAppDbContext> Sqlite(string connectionString) =>
        new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(connectionString, s => s.MigrationsAssembly(SqliteAppDbContext.MigrationsAssembly))
            .WithIdentitySchema().Options;

    public static DbContextOptions<SqlServerAppDbContext> SqlServer(string connectionString) =>
        new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer(connectionString, s => s.MigrationsAssembly(SqlServerAppDbContext.MigrationsAssembly))
            .WithIdentitySchema().Options;
}
