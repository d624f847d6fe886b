using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>
/// Per-connection SQLite settings. The database runs in WAL mode (set at start-up, stored in the file); with WAL,
/// <c>synchronous=NORMAL</c> is SQLite's recommended pairing: a commit is appended to the WAL without an fsync, which is
/// synced at checkpoints. The file can't be corrupted by a crash or power cut; a power cut (not a process crash) can roll
/// back the last moments of commits. <c>busy_timeout</c> makes a writer wait for the lock inside SQLite (1–25 ms steps)
/// instead of Microsoft.Data.Sqlite's 150 ms retry sleeps. <c>wal_autocheckpoint</c> is raised from 1,000 to 10,000 pages
/// (40 MB): <see cref="SqliteCheckpointer"/> checkpoints in the background, and this is only its backstop. All three belong to the native connection, which the pool
/// keeps open between uses, so they are sent once per native connection, not on every open. SQL Server is untouched.
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=10000;";

    private readonly ConditionalWeakTable<object, object> configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection, out var handle))
            return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        configured.AddOrUpdate(handle!, handle!);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection, out var handle))
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        configured.AddOrUpdate(handle!, handle!);
    }

    private bool NeedsPragmas(DbConnection connection, out object? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || !configured.TryGetValue(handle, out _);
    }
}
