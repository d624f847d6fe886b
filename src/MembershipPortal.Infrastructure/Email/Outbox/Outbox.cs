using MembershipPortal.Infrastructure.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Email.Outbox;

/// <summary>Writes outbox rows into a caller's context, so they are saved with the caller's change.</summary>
public static class Outbox
{
    /// <summary>
    /// Adds the row unless a row with its dedup key is already queued or saved; returns false when it was. A concurrent
    /// writer can still win the race between the check and the save: the unique index then rejects the save
    /// (<see cref="IsUniqueViolation"/>) and the caller's next run finds the row.
    /// </summary>
    public static async Task<bool> EnqueueAsync(AppDbContext db, OutboxMessage message, CancellationToken ct = default)
    {
        if (db.Outbox.Local.Any(o => o.DedupKey == message.DedupKey))
            return false;
        if (await db.Outbox.AnyAsync(o => o.DedupKey == message.DedupKey, ct))
            return false;
        db.Outbox.Add(message);
        return true;
    }

    /// <summary>True when a save failed on a unique index (SQLite constraint 2067/1555, SQL Server 2601/2627).</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        SqlException s => s.Number is 2601 or 2627,
        _ => false,
    };
}
