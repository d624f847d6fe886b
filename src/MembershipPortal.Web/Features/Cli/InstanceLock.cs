using MembershipPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Cli;

/// <summary>
/// A running portal holds a shared OS lock on <c>portal.db.lock</c> beside its SQLite file for as long as the process
/// lives; <c>restore</c> needs it exclusively. The kernel drops the lock when the process ends, however it ends, so a
/// crash leaves no stale lock to clean up, and neither the port nor a PID file can be confused with another program.
/// (.NET takes these as flock locks on Unix and share-mode locks on Windows; a network file system without flock is
/// not supported for SQLite anyway.)
/// </summary>
public static class InstanceLock
{
    public static string PathFor(string databasePath) => databasePath + ".lock";

    /// <summary>The lock, or null when another process holds it in a conflicting mode.</summary>
    public static FileStream? TryAcquire(string databasePath, bool exclusive)
    {
        try
        {
            return new FileStream(PathFor(databasePath), FileMode.OpenOrCreate,
                exclusive ? FileAccess.ReadWrite : FileAccess.Read, exclusive ? FileShare.None : FileShare.ReadWrite);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The SQLite file the context uses, or null for SQL Server and in-memory databases.</summary>
    public static string? DatabaseFile(AppDbContext db)
    {
        if (!db.Database.IsSqlite())
            return null;
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        return source is "" or ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(source);
    }

    public static IHostApplicationBuilder AddPortalInstanceLock(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<HeldLock>();
        return builder;
    }

    /// <summary>Registered before the start-up migration, so a portal never starts on a database being restored.</summary>
    private sealed class HeldLock(IDbContextFactory<AppDbContext> dbFactory) : IHostedService, IDisposable
    {
        private FileStream? held;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            using var db = dbFactory.CreateDbContext();
            if (DatabaseFile(db) is not { } file)
                return Task.CompletedTask;
            held = TryAcquire(file, exclusive: false)
                ?? throw new InvalidOperationException($"A restore is replacing {file} (it holds {PathFor(file)}); start the portal when it has finished.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            held?.Dispose();
            held = null;
        }
    }
}
