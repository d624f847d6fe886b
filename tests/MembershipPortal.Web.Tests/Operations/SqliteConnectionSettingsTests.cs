using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Operations;

/// <summary>The SQLite settings the portal's own connections run with, on a fresh connection and on one reused from the pool.</summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private readonly PortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private async Task<(string Journal, long Synchronous, long BusyTimeout)> ReadAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        var journal = (string)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA synchronous";
        var synchronous = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA busy_timeout";
        var busy = (long)(await command.ExecuteScalarAsync())!;
        return (journal, synchronous, busy);
    }

    [Fact]
    public async Task EveryConnection_WalWithNormalSyncAndABusyTimeout()
    {
        _ = factory.Server;

        var fresh = await ReadAsync();
        var pooled = await ReadAsync();

        Assert.Equal(("wal", 1L, 30000L), fresh);
        Assert.Equal(fresh, pooled);
    }
}
