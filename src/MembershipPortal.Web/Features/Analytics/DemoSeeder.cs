using System.Text;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

public sealed record SeedOutcome(bool Succeeded, string Message);

/// <summary>
/// seed-demo: fills an empty portal with the demo catalog and a generated history, imported through the same
/// <see cref="HistoryImportService"/> as an Owner's file, so a first-time Owner sees a living dashboard.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<AppDbContext> dbFactory, HistoryImportService importer, TimeProvider clock)
{
    public async Task<SeedOutcome> SeedAsync(int members, int months, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.ImportedEvents.AnyAsync(ct))
                return new SeedOutcome(true, "Demo history already present; nothing imported.");
            if (await db.Subscriptions.AnyAsync(ct))
                return new SeedOutcome(false, "The portal already has live subscriptions; the demo history only goes into a portal without any.");
            await DemoHistory.CreateCatalogAsync(db, clock.GetUtcNow(), ct);
        }
        var csv = DemoHistory.Generate(members, months, clock.GetUtcNow());
        var outcome = await importer.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "demo-history.csv", ct);
        return outcome.Succeeded
            ? new SeedOutcome(true, $"Demo catalog created and {outcome.NewEvents} history events imported for {outcome.NewMembers} members.")
            : new SeedOutcome(false, $"The demo history did not import: {string.Join("; ", outcome.Problems.Take(5))}");
    }
}
