using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace MembershipPortal.Web.Tests.Data;

/// <summary>SQL Server can't run here, so its support is proven statically: model and migrations agree, and the script is valid T-SQL.</summary>
public sealed class MigrationsTests
{
    private static SqlServerAppDbContext SqlServer() =>
        new(DesignTimeServices.SqlServer("Server=unused;Database=unused;TrustServerCertificate=True"));

    [Fact]
    public void SqlServerMigrations_MatchTheModel()
    {
        using var db = SqlServer();
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQL Server migration: run dotnet ef migrations add.");
    }

    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var db = new SqliteAppDbContext(DesignTimeServices.Sqlite("Data Source=:memory:"));
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: run dotnet ef migrations add.");
    }

    [Fact]
    public void SqlServerIdempotentScript_ParsesAsTSql()
    {
        using var db = SqlServer();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [AspNetUsers]", script);
        Assert.Contains("AspNetUserPasskeys", script);

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"line {e.Line}: {e.Message}")));
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrations()
    {
        using var sqlServer = SqlServer();
        using var sqlite = new SqliteAppDbContext(DesignTimeServices.Sqlite("Data Source=:memory:"));
        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]);
        Assert.Equal(Names(sqlite), Names(sqlServer));
    }

    // Per-country shipping rates became zones: each existing rate is a one-country zone at the same rate (and back on Down).
    [Fact]
    public async Task ShippingZonesMigration_EachRateBecomesAOneCountryZone()
    {
        await using var keeper = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source=file:zones{Guid.NewGuid():N}?mode=memory&cache=shared");
        await keeper.OpenAsync();
        await using var db = new SqliteAppDbContext(DesignTimeServices.Sqlite(keeper.ConnectionString));
        var migrator = db.GetService<IMigrator>();
        var zones = db.Database.GetMigrations().Single(m => m.EndsWith("_ShippingZones", StringComparison.Ordinal));
        var before = db.Database.GetMigrations().TakeWhile(m => m != zones).Last();
        await migrator.MigrateAsync(before);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO ShippingRates (Country, AmountMinor, Currency, UpdatedAt) VALUES ('US', 500, 'USD', 0), ('CA', 900, 'USD', 0);");

        await migrator.MigrateAsync(zones);
        var migrated = await db.ShippingZones.Include(z => z.Countries).OrderBy(z => z.Name).ToListAsync();
        await migrator.MigrateAsync(before);
        var back = await db.Database.SqlQueryRaw<long>("SELECT AmountMinor AS Value FROM ShippingRates ORDER BY Country").ToListAsync();

        Assert.Equal([("CA", 900L, "USD", "CA"), ("US", 500L, "USD", "US")],
            migrated.Select(z => (z.Name, z.AmountMinor, z.Currency, Assert.Single(z.Countries).Country)));
        Assert.All(migrated, z => Assert.Null(z.FreeFromMinor));
        Assert.Equal([900L, 500L], back);
    }
}
