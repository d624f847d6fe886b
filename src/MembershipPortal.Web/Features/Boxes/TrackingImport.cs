using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Metrics.Import;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

public sealed record TrackingImportResult(bool Applied, int Shipped, int AlreadyShipped, int NotYetShipped, IReadOnlyList<ImportProblem> Problems)
{
    public string Summary => Applied
        ? $"{Words.Count(Shipped, "parcel")} marked shipped and emailed; {AlreadyShipped:N0} already shipped with the same tracking; {Words.Count(NotYetShipped, "row")} without tracking left as they were."
        : $"Nothing was applied: {Words.Count(Problems.Count, "bad row")}. Correct them and import the whole file again.";
}

/// <summary>
/// Imports a fulfilment partner's tracking file (<see cref="TrackingCsv"/>): all or nothing. Every row is checked against
/// the shipments first (it must exist, and a box already shipped must not get a different tracking number); with any bad
/// row nothing is applied and every bad row is reported with its line. Otherwise each box is marked shipped with its
/// tracking in one transaction and its member gets the "box shipped" email (once per box: importing the file again sends
/// nothing).
/// </summary>
public sealed class TrackingImport(IDbContextFactory<AppDbContext> dbFactory, NoticeQueue notices, AuditLog audit, CurrentActor actor, TimeProvider clock)
{
    public const long MaxBytes = 5 * 1024 * 1024;

    public Task<TrackingImportResult> ImportAsync(string csv, CancellationToken ct = default) => ImportAsync(new StringReader(csv), ct);

    /// <summary>An uploaded file (read whole first: browser file streams cannot be read synchronously).</summary>
    public async Task<TrackingImportResult> ImportAsync(Stream content, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        using var reader = new StreamReader(buffer, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await ImportAsync(reader, ct);
    }

    public async Task<TrackingImportResult> ImportAsync(TextReader reader, CancellationToken ct = default)
    {
        var parsed = TrackingCsv.Parse(reader);
        var problems = parsed.Problems.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = parsed.Rows.Select(r => r.ShipmentId).ToList();
        var shipments = await db.Shipments.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var toShip = new List<(TrackingRow Row, Shipment Shipment)>();
        var same = 0;
        foreach (var row in parsed.Rows)
        {
            if (!shipments.TryGetValue(row.ShipmentId, out var shipment))
                problems.Add(new ImportProblem(row.Line, $"there is no shipment {row.ShipmentId}"));
            else if (shipment.Status != ShipmentStatus.Shipped)
                toShip.Add((row, shipment));
            else if (string.Equals(shipment.Carrier, row.Carrier, StringComparison.OrdinalIgnoreCase) && shipment.TrackingNumber == row.TrackingNumber)
                same++;
            else
                problems.Add(new ImportProblem(row.Line, $"shipment {row.ShipmentId} was already shipped with {shipment.Carrier} {shipment.TrackingNumber} and its member emailed; it is left as it is"));
        }
        if (problems.Count > 0)
            return new TrackingImportResult(false, 0, 0, parsed.Ignored, [.. problems.OrderBy(p => p.Line)]);

        var subIds = toShip.Select(x => x.Shipment.SubscriptionId).Distinct().ToList();
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => subIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var now = clock.GetUtcNow();
        foreach (var (row, shipment) in toShip)
            await ShipmentService.ShipAsync(notices, db, shipment, subs[shipment.SubscriptionId], row.Carrier, row.TrackingNumber, now, ct);
        if (toShip.Count > 0)
            audit.Add(db, await actor.GetAsync(), "boxes.import-tracking", $"Imported tracking for {Words.Count(toShip.Count, "parcel")}; each member emailed", "shipments", null);
        await db.SaveChangesAsync(ct);
        return new TrackingImportResult(true, toShip.Count, same, parsed.Ignored, []);
    }
}
