using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file from a background task, so no request pays for it.
/// Left to SQLite, the commit that grows the log past its limit runs the checkpoint (copy the pages back, fsync the file)
/// before it returns: a few milliseconds every hundred or so webhook events, which were most of the slowest answers. A
/// PASSIVE checkpoint waits for nobody and nobody waits for it; writers keep appending meanwhile. The connections' own
/// automatic checkpoint stays on, at a higher limit (<see cref="SqliteConnectionPragmas"/>), as a backstop for when this
/// task is not running (command-line tools, a clock that tests hold still).
/// </summary>
public sealed class SqliteCheckpointer(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
            connectionString = db.Database.IsSqlite() ? db.Database.GetConnectionString() : null;
        if (connectionString is null)
            return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, clock, stoppingToken);
                try
                {
                    // A plain connection (pooled natively), not EF: nothing to track, and no command log line twice a second.
                    // Closed after each run, so it never holds a read snapshot that would keep the log from being reused.
                    await using var connection = new SqliteConnection(connectionString);
                    await connection.OpenAsync(stoppingToken);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (SqliteException ex)
                {
                    // The backstop still checkpoints; try again next time.
                    logger.LogWarning(ex, "SQLite checkpoint failed.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
