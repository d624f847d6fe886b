using System.Formats.Tar;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Cli;

/// <summary>
/// <c>backup</c> and <c>restore</c> for SQLite. The database is copied with SQLite's online backup API: one step under a
/// read transaction, so the copy is the database as of one commit while the portal goes on writing (WAL readers do not
/// block the writer). The uploads folder goes into a tarball beside the copy, taken after it, so every file a copied row
/// names is in it. SQL Server has its own tools (BACKUP DATABASE; README "Backups").
/// </summary>
public sealed class BackupCommands(PortalCommands commands)
{
    public static string FilesTarball(string backup) => backup + ".files.tar";

    private CliConsole Console => commands.Console;

    public async Task<int> BackupAsync(string target)
    {
        if (await DatabaseFileAsync("BACKUP DATABASE [Portal] TO DISK = N'/var/opt/mssql/backup/portal.bak' WITH COPY_ONLY, CHECKSUM") is not { } database)
            return PortalCli.Failed;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = target + ".part";
        File.Delete(part);
        await using (var from = Open(database, SqliteOpenMode.ReadWrite))
        await using (var to = Open(part, SqliteOpenMode.ReadWriteCreate))
        {
            await from.OpenAsync();
            await to.OpenAsync();
            await CopyAsync(from, to);
        }
        File.Move(part, target, overwrite: true);

        var tarball = FilesTarball(target);
        var files = commands.Services.GetRequiredService<FileStore>().Root;
        await using (var stream = File.Create(tarball + ".part"))
        {
            if (Directory.Exists(files))
                await TarFile.CreateFromDirectoryAsync(files, stream, includeBaseDirectory: false);
            else
                await new TarWriter(stream).DisposeAsync();
        }
        File.Move(tarball + ".part", tarball, overwrite: true);
        Console.Out.WriteLine(target);
        Console.Out.WriteLine(tarball);
        return PortalCli.Ok;
    }

    public async Task<int> RestoreAsync(string backup)
    {
        if (await DatabaseFileAsync("RESTORE DATABASE [Portal] FROM DISK = N'/var/opt/mssql/backup/portal.bak' WITH REPLACE") is not { } database)
            return PortalCli.Failed;
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        using var held = InstanceLock.TryAcquire(database, exclusive: true);
        if (held is null)
        {
            Console.Error.WriteLine($"The portal is running on {database} (it holds {InstanceLock.PathFor(database)}). Stop it, then restore.");
            return PortalCli.Failed;
        }

        await using (var check = Open(backup, SqliteOpenMode.ReadWrite))
        {
            await check.OpenAsync();
            await using var command = check.CreateCommand();
            command.CommandText = "PRAGMA quick_check;";
            string? verdict;
            try
            { verdict = await command.ExecuteScalarAsync() as string; }
            catch (SqliteException ex) { verdict = ex.Message; }
            if (verdict != "ok")
            {
                Console.Error.WriteLine($"{backup} is not a sound SQLite database: {verdict}");
                return PortalCli.Failed;
            }
        }

        // Through SQLite rather than a file copy, so a -wal file the old database left cannot be replayed into the new one.
        SqliteConnection.ClearAllPools();
        await using (var from = Open(backup, SqliteOpenMode.ReadWrite))
        await using (var to = Open(database, SqliteOpenMode.ReadWriteCreate))
        {
            await from.OpenAsync();
            await to.OpenAsync();
            from.BackupDatabase(to);
        }
        // Derived from the old database's imports; it is rebuilt on demand.
        File.Delete(database + ".analytics-cache");

        var tarball = FilesTarball(backup);
        if (File.Exists(tarball))
        {
            var files = commands.Services.GetRequiredService<FileStore>().Root;
            var incoming = files + ".restoring";
            if (Directory.Exists(incoming))
                Directory.Delete(incoming, recursive: true);
            Directory.CreateDirectory(incoming);
            await TarFile.ExtractToDirectoryAsync(tarball, incoming, overwriteFiles: true);
            if (Directory.Exists(files))
            {
                var replaced = files + ".replaced";
                if (Directory.Exists(replaced))
                    Directory.Delete(replaced, recursive: true);
                Directory.Move(files, replaced);
                Directory.Move(incoming, files);
                Directory.Delete(replaced, recursive: true);
            }
            else
                Directory.Move(incoming, files);
        }
        Console.Out.WriteLine($"Restored {database}{(File.Exists(tarball) ? " and the uploads" : "")} from {backup}.");
        return PortalCli.Ok;
    }

    /// <summary>The SQLite file, or null after telling the SQL Server user what to run instead.</summary>
    private async Task<string?> DatabaseFileAsync(string sqlServerRecipe)
    {
        await using var db = await commands.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        if (InstanceLock.DatabaseFile(db) is { } file)
            return file;
        Console.Error.WriteLine(db.Database.IsSqlite()
            ? "backup and restore need a SQLite database file."
            : $"This portal uses SQL Server: use its own backups (README \"Backups\"), e.g. {sqlServerRecipe}");
        return null;
    }

    /// <summary>
    /// SQLite's online backup of a database another process is writing. A step that meets the writer's lock answers
    /// SQLITE_BUSY or SQLITE_LOCKED at once (the backup API does not wait on the busy timeout), so it is tried again.
    /// </summary>
    private static async Task CopyAsync(SqliteConnection from, SqliteConnection to)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(attempt, 5)));
            }
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
}
