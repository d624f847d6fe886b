using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Admin;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>A product packed in a cycle (or the box itself) with how many went out and its recorded unit costs.</summary>
public sealed record CostRow(Guid ProductId, string Name, int Quantity, long? CostOfGoodsMinor, long? ShippingCostMinor);

public sealed record CostInput(Guid ProductId, long CostOfGoodsMinor, long ShippingCostMinor);

/// <summary>A cycle's margin in the reporting currency; boxes billed in another currency are left out and counted.</summary>
public sealed record MarginRow(CycleKey Cycle, string Currency, CycleMargin Margin, IReadOnlyList<string> WithoutCost, int OtherCurrencyBoxes);

/// <summary>
/// Unit economics per fulfilment cycle (Owner only, checked here as well as on the page) of every product that ships: a box,
/// a mailed kit with its own parcels, a one-time product shipped on its own. The Owner records each packed product's cost
/// of goods and shipping cost per unit for a cycle, in the reporting currency, and sees each cycle's revenue, costs and
/// margin (<see cref="CycleEconomics"/>) from the parcels generated for it. A kit or one-time product travelling in a box
/// is a line of the box's parcels, so its costs are recorded on the box. The costs also give the business-wide gross margin
/// the dashboard's LTV can use when the Owner chooses it (Analytics reads the same rows).
/// </summary>
public sealed class BoxEconomics(IDbContextFactory<AppDbContext> dbFactory, BusinessSettings business, AuditLog audit, TimeProvider clock)
{
    public const long MaxUnitCostMinor = 1_000_000;

    public async Task<IReadOnlyList<CostRow>?> CostsAsync(Guid boxProductId, CycleKey cycle, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await RowsAsync(db, boxProductId, cycle.ToString(), ct);
    }

    private static async Task<List<CostRow>> RowsAsync(AppDbContext db, Guid boxProductId, string key, CancellationToken ct)
    {
        var packed = (await db.Shipments.AsNoTracking().Where(s => s.ProductId == boxProductId && s.Cycle == key).SelectMany(s => s.Lines)
                .Select(l => new { l.ProductId, l.Quantity }).ToListAsync(ct))
            .GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        packed.TryAdd(boxProductId, 0);
        var ids = packed.Keys.ToList();
        var names = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var costs = await db.BoxCycleCosts.AsNoTracking().Where(c => c.Cycle == key && ids.Contains(c.ProductId)).ToDictionaryAsync(c => c.ProductId, ct);
        return [.. packed.OrderBy(p => p.Key != boxProductId).ThenBy(p => names.GetValueOrDefault(p.Key))
            .Select(p => new CostRow(p.Key, names.GetValueOrDefault(p.Key) ?? "(deleted product)", p.Value,
                costs.GetValueOrDefault(p.Key)?.CostOfGoodsMinor, costs.GetValueOrDefault(p.Key)?.ShippingCostMinor))];
    }

    /// <summary>Saves the unit costs of a cycle's products at once (all or nothing); null when saved, else why not.</summary>
    public async Task<string?> SaveCostsAsync(Guid boxProductId, CycleKey cycle, IReadOnlyList<CostInput> inputs, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return "Only the Owner can record costs.";
        if (inputs.Any(i => i.CostOfGoodsMinor is < 0 or > MaxUnitCostMinor || i.ShippingCostMinor is < 0 or > MaxUnitCostMinor))
            return "Each cost is between 0 and 10,000.00 per unit.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Products.AnyAsync(p => p.Id == boxProductId && (p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically)), ct))
            return "Choose a box, a mailed kit or a one-time product that ships.";
        var key = cycle.ToString();
        var allowed = (await RowsAsync(db, boxProductId, key, ct)).Select(r => r.ProductId).ToHashSet();
        if (inputs.Any(i => !allowed.Contains(i.ProductId)))
            return "Costs can be recorded for the box and what was packed in this cycle.";
        var currency = (await business.GetAsync(ct)).ReportingCurrency;
        var now = clock.GetUtcNow();
        var ids = inputs.Select(i => i.ProductId).ToList();
        var rows = await db.BoxCycleCosts.Where(c => c.Cycle == key && ids.Contains(c.ProductId)).ToDictionaryAsync(c => c.ProductId, ct);
        foreach (var input in inputs)
        {
            if (!rows.TryGetValue(input.ProductId, out var row))
                db.BoxCycleCosts.Add(row = new BoxCycleCost { ProductId = input.ProductId, Cycle = key, Currency = currency });
            (row.CostOfGoodsMinor, row.ShippingCostMinor, row.Currency, row.UpdatedAt) = (input.CostOfGoodsMinor, input.ShippingCostMinor, currency, now);
        }
        audit.Add(db, actor, "boxes.costs", $"Recorded unit costs of {inputs.Count} product(s) for the {key} box", "product", boxProductId.ToString());
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The margin of each of <paramref name="cycles"/> that has boxes, newest first.</summary>
    public async Task<IReadOnlyList<MarginRow>?> MarginsAsync(Guid boxProductId, IReadOnlyList<CycleKey> cycles, AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return null;
        var currency = (await business.GetAsync(ct)).ReportingCurrency;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = cycles.Select(c => c.ToString()).ToList();
        var shipments = await db.Shipments.AsNoTracking().Where(s => s.ProductId == boxProductId && keys.Contains(s.Cycle)).ToListAsync(ct);
        var costs = await db.BoxCycleCosts.AsNoTracking().Where(c => keys.Contains(c.Cycle) && c.Currency == currency).ToListAsync(ct);
        var names = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var result = new List<MarginRow>();
        foreach (var cycle in cycles.OrderDescending())
        {
            var inCycle = shipments.Where(s => s.Cycle == cycle.ToString()).ToList();
            if (inCycle.Count == 0)
                continue;
            // Boxes from before unit economics were recorded have no currency; they were billed in the only currency then used.
            var counted = inCycle.Where(s => (s.Currency ?? currency) == currency).ToList();
            var margin = CycleEconomics.Compute(
                [.. counted.Select(s => (IReadOnlyList<PackedLine>)[.. s.Lines.Select(l => new PackedLine(l.ProductId, l.Quantity, l.UnitPriceMinor))])],
                counted.Sum(s => s.ShippingChargedMinor),
                costs.Where(c => c.Cycle == cycle.ToString()).ToDictionary(c => c.ProductId, c => new UnitCost(c.CostOfGoodsMinor, c.ShippingCostMinor)));
            result.Add(new MarginRow(cycle, currency, margin, [.. margin.ProductsWithoutCost.Select(id => names.GetValueOrDefault(id) ?? "(deleted product)")],
                inCycle.Count - counted.Count));
        }
        return result;
    }
}
