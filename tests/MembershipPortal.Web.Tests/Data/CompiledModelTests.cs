using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Data.CompiledModels.Sqlite;
using MembershipPortal.Infrastructure.Data.CompiledModels.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Data;

/// <summary>
/// The portal runs on the compiled models (Data/CompiledModels). A compiled model that lags OnModelCreating maps the
/// old schema: every entity, property, key, index and column must match the model built from the configuration.
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate = "The compiled model lags the model: run scripts/add-migration.sh (or its dotnet ef dbcontext optimize lines).";

    [Fact]
    public void SqliteCompiledModel_MatchesTheModelBuiltFromConfiguration()
    {
        using var db = new SqliteAppDbContext(DesignTimeServices.Sqlite("Data Source=:memory:"));
        AssertSame(db.GetService<IDesignTimeModel>().Model, SqliteAppDbContextModel.Instance);
    }

    [Fact]
    public void SqlServerCompiledModel_MatchesTheModelBuiltFromConfiguration()
    {
        using var db = new SqlServerAppDbContext(DesignTimeServices.SqlServer("Server=unused;Database=unused;TrustServerCertificate=True"));
        AssertSame(db.GetService<IDesignTimeModel>().Model, SqlServerAppDbContextModel.Instance);
    }

    [Fact]
    public void PortalContext_UsesTheCompiledModel()
    {
        using var factory = new MembershipPortal.Tests.Support.PortalFactory();
        using var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        Assert.Same(SqliteAppDbContextModel.Instance, db.Model);
    }

    [Fact]
    public void Describe_TwoDifferentModels_Differ()
    {
        // The comparison above can fail: the SQLite model's columns are not SQL Server's.
        using var db = new SqlServerAppDbContext(DesignTimeServices.SqlServer("Server=unused;Database=unused;TrustServerCertificate=True"));
        Assert.NotEqual(Describe(db.GetService<IDesignTimeModel>().Model), Describe(SqliteAppDbContextModel.Instance));
    }

    private static void AssertSame(IModel built, IModel compiled)
    {
        var expected = Describe(built).ToList();
        var actual = Describe(compiled).ToList();
        var missing = expected.Except(actual).Take(10).ToList();
        var extra = actual.Except(expected).Take(10).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{Regenerate}\nIn the model, not compiled:\n  {string.Join("\n  ", missing)}\nCompiled, not in the model:\n  {string.Join("\n  ", extra)}");
    }

    private static IEnumerable<string> Describe(IModel model)
    {
        foreach (var entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var e = entity.Name;
            yield return $"{e}: table {entity.GetTableName()} owned {entity.IsOwned()} base {entity.BaseType?.Name}";
            foreach (var p in entity.GetDeclaredProperties())
                yield return $"{e}.{p.Name}: {p.ClrType} column {p.GetColumnName()} nullable {p.IsNullable} max {p.GetMaxLength()} "
                    + $"converter {p.GetTypeMapping().Converter?.GetType().Name} generated {p.ValueGenerated} concurrency {p.IsConcurrencyToken}";
            foreach (var c in entity.GetDeclaredComplexProperties())
                yield return $"{e}.{c.Name}: complex {c.ComplexType.ClrType} nullable {c.IsNullable}";
            foreach (var n in entity.GetDeclaredNavigations())
                yield return $"{e}.{n.Name}: navigation to {n.TargetEntityType.Name} collection {n.IsCollection}";
            foreach (var k in entity.GetDeclaredKeys())
                yield return $"{e} key ({Names(k.Properties)}) primary {k.IsPrimaryKey()}";
            foreach (var fk in entity.GetDeclaredForeignKeys())
                yield return $"{e} foreign key ({Names(fk.Properties)}) to {fk.PrincipalEntityType.Name} ({Names(fk.PrincipalKey.Properties)}) "
                    + $"{fk.DeleteBehavior} required {fk.IsRequired} unique {fk.IsUnique} ownership {fk.IsOwnership}";
            foreach (var i in entity.GetDeclaredIndexes())
                yield return $"{e} index {i.GetDatabaseName()} ({Names(i.Properties)}) unique {i.IsUnique}";
        }
        foreach (var table in model.GetRelationalModel().Tables)
            foreach (var column in table.Columns)
                yield return $"{table.SchemaQualifiedName}.{column.Name}: {column.StoreType} nullable {column.IsNullable}";
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(", ", properties.Select(p => p.Name));
}
