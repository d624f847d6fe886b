using System.Data.Common;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MembershipPortal.Infrastructure.Metrics;

/// <summary>
/// Plain multi-row INSERTs for large history imports, where EF's change tracking costs far more than the insert (a
/// 100,000-customer history is hundreds of thousands of rows). Table, column names, quoting and value conversions
/// (instants as ticks on SQLite) all come from the EF model, so both providers get what EF itself would write. Runs in
/// the context's current transaction.
/// </summary>
public static class BulkInsert
{
    /// <summary>
    /// SQL Server allows 2,100 parameters per command. SQLite finds each named parameter by a linear search, so long
    /// statements cost quadratically there: a few rows per statement, re-using the prepared command, is fastest.
    /// </summary>
    private const int MaxParameters = 2_000, MaxSqliteParameters = 128;
    private const int MaxRows = 200;

    public static async Task<int> InsertAsync<T>(AppDbContext db, IReadOnlyList<T> rows, CancellationToken ct = default) where T : class
    {
        if (rows.Count == 0)
            return 0;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // Database-generated keys (identity columns) are left to the database.
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd) && p.GetColumnName(table) is not null)
            .Select(p => (Property: p, Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter))
            .ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) VALUES ";
        var limit = db.Database.IsSqlite() ? MaxSqliteParameters : MaxParameters;
        var perCommand = Math.Max(1, Math.Min(MaxRows, limit / columns.Count));

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            DbCommand? full = null;
            try
            {
                for (var start = 0; start < rows.Count; start += perCommand)
                {
                    var count = Math.Min(perCommand, rows.Count - start);
                    var command = count == perCommand ? full ??= Create(connection, transaction, head, columns.Count, count) : Create(connection, transaction, head, columns.Count, count);
                    for (var r = 0; r < count; r++)
                    {
                        var row = rows[start + r];
                        for (var c = 0; c < columns.Count; c++)
                        {
                            var value = columns[c].Getter.GetClrValue(row);
                            if (value is not null && columns[c].Converter is { } converter)
                                value = converter.ConvertToProvider(value);
                            command.Parameters[r * columns.Count + c].Value = value ?? DBNull.Value;
                        }
                    }
                    await command.ExecuteNonQueryAsync(ct);
                    if (command != full)
                        await command.DisposeAsync();
                }
            }
            finally
            {
                if (full is not null)
                    await full.DisposeAsync();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return rows.Count;
    }

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string head, int columns, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = new List<string>(rows);
        for (var r = 0; r < rows; r++)
        {
            var names = new string[columns];
            for (var c = 0; c < columns; c++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = names[c] = $"@p{r * columns + c}";
                command.Parameters.Add(parameter);
            }
            values.Add($"({string.Join(", ", names)})");
        }
        command.CommandText = head + string.Join(", ", values);
        return command;
    }
}
