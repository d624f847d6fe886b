using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Admin;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace MembershipPortal.Web.Features.Boxes;

public sealed record CutoffReport(int CyclesGenerated, int ShipmentsCreated);

/// <summary>
/// The cut-off job's unit: for each box product and mailed kit (<see cref="ShipmentPlan"/>), once its latest cycle has closed (the cut-off in the Owner's time zone)
/// and that cycle has not been generated yet, generates its shipments. A generated cycle is recorded, so later runs
/// skip it without reading the subscriptions; generating is idempotent anyway, so a rerun, a restart or the Owner
/// pressing "Generate" at the same time creates nothing twice. Only the latest closed cycle is considered: after an
/// outage it is generated on the first run, but a cycle older than that is left to the Owner.
/// </summary>
public sealed class BoxCutoffRun(IDbContextFactory<AppDbContext> dbFactory, BusinessSettings business, ShipmentService shipments, ILogger<BoxCutoffRun> logger)
{
    public async Task<CutoffReport> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var zone = await business.TimeZoneAsync(ct);
        List<(Guid Id, CycleKey Cycle)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Every box, and every mailed kit some subscription carries (most shipping add-ons are never on a subscription
            // without a box, and recording empty cycles for them would only fill BoxCycleGenerations).
            var products = await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.Box
                || (p.Kind == ProductKind.AddOn && p.ShipsPhysically && db.Subscriptions.Any(s => s.Items.Any(i => i.ProductId == p.Id))))
                .ToListAsync(ct);
            var latest = products.Select(p => (p.Id, Cycle: ShipmentService.Schedule(p, zone).CycleFor(now).Previous())).ToList();
            var keys = latest.Select(l => l.Cycle.ToString()).Distinct().ToList();
            var ids = latest.Select(l => l.Id).ToList();
            var done = (await db.BoxCycleGenerations.AsNoTracking().Where(g => ids.Contains(g.ProductId) && keys.Contains(g.Cycle))
                .Select(g => new { g.ProductId, g.Cycle }).ToListAsync(ct)).Select(g => (g.ProductId, g.Cycle)).ToHashSet();
            due = latest.Where(l => !done.Contains((l.Id, l.Cycle.ToString()))).ToList();
        }

        int cycles = 0, created = 0;
        foreach (var (productId, cycle) in due)
        {
            try
            {
                var report = await shipments.GenerateAsync(productId, cycle, ct);
                cycles++;
                created += report.Created;
                logger.LogInformation("Box cut-off: generated {Cycle} of product {Product}: {Report}", cycle, productId, report);
            }
            catch (DomainException ex)
            {
                logger.LogWarning(ex, "Box cut-off: {Cycle} of product {Product} not generated; the next run tries again.", cycle, productId);
            }
        }
        return new CutoffReport(cycles, created);
    }
}

/// <summary>Quartz job: runs <see cref="BoxCutoffRun"/> on the injected clock (every few minutes; Jobs:BoxCutoffMinutes).</summary>
[DisallowConcurrentExecution]
public sealed class BoxCutoffJob(BoxCutoffRun run, TimeProvider clock) : IJob
{
    public static readonly JobKey Key = new("box-cutoff", "boxes");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var span = Infrastructure.Telemetry.PortalTelemetry.StartJob(Key.Name);
        await run.RunOnceAsync(clock.GetUtcNow(), cancellationToken);
    }
}
