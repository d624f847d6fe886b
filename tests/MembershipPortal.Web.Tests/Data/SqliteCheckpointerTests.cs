using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using Microsoft.Data.Sqlite;

namespace MembershipPortal.Web.Tests.Data;

/// <summary>
/// Commits go to the SQLite write-ahead log; the background checkpointer copies them into the database file, on the
/// injected clock, instead of the request whose commit crosses SQLite's own limit.
/// </summary>
public sealed class SqliteCheckpointerTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task CommittedRows_ReachTheDatabaseFile_WhenTheCheckpointerRuns_NotBefore()
    {
        var email = $"wal{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, "a long member passphrase");

        // Committed (every connection sees it) but still only in the log: SQLite's own limit is far off.
        Assert.False(await DatabaseFileAloneHasAsync(email));

        factory.Clock.Advance(SqliteCheckpointer.Interval);
        // The checkpoint runs on a background task once the clock has moved; give it a moment (a wait, not a measurement).
        for (var i = 0; i < 200 && !await DatabaseFileAloneHasAsync(email); i++)
            await Task.Delay(50);

        Assert.True(await DatabaseFileAloneHasAsync(email));
    }

    /// <summary>Reads a copy of the database file without its log, as if the log were lost.</summary>
    private async Task<bool> DatabaseFileAloneHasAsync(string email)
    {
        var copy = Path.Combine(factory.Root, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(Path.Combine(factory.Root, "portal.db"), copy);
        try
        {
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // A fresh database's schema may itself still be in the log.
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'AspNetUsers'";
            if ((long)(await command.ExecuteScalarAsync())! == 0)
                return false;
            command.CommandText = "SELECT COUNT(*) FROM AspNetUsers WHERE NormalizedEmail = $email";
            command.Parameters.AddWithValue("$email", email.ToUpperInvariant());
            return (long)(await command.ExecuteScalarAsync())! > 0;
        }
        finally
        {
            File.Delete(copy);
            foreach (var suffix in new[] { "-wal", "-shm" })
                File.Delete(copy + suffix);
        }
    }
}
