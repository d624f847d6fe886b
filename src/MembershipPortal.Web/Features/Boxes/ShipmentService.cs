using System.Text;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>What one generation did; <see cref="InAnotherParcel"/> counts subscriptions whose item travels in another product's parcel (a kit in a box).</summary>
public sealed record GenerationReport(int Created, int AlreadyThere, int Skipped, int NotEligible, int NoAddress, int JoinedAfterCutoff = 0, int InAnotherParcel = 0);

/// <summary>A product fulfilment generates parcels for: a box, or a mailed kit (a shipping add-on, parcels for subscriptions without a box).</summary>
public sealed record BoxProductView(Guid Id, string Name, BoxSchedule Schedule, bool IsKit = false);

public sealed record MemberBox(Guid SubscriptionId, string ProductName, CycleKey Upcoming, DateOnly ShipDate, DateTimeOffset Cutoff, bool Skipped,
    bool Live, IReadOnlyList<ShipmentRow> Past)
{
    public Guid BoxProductId { get; init; }
    public string Currency { get; init; } = "USD";
    public bool CanPause { get; init; }
    /// <summary>A mailed kit on a membership or course rather than a box: the page says "kit" where it says "box".</summary>
    public bool IsKit { get; init; }
    public string Noun => IsKit ? "kit" : "box";
    public string Nouns => IsKit ? "kits" : "boxes";
    /// <summary>The address-book entry the box ships to, and the copy boxes are generated from.</summary>
    public Guid? AddressId { get; init; }
    public ShippingAddress? ShipTo { get; init; }
    /// <summary>Skipped or paused cycles from the upcoming one on.</summary>
    public IReadOnlyList<SkipView> Skips { get; init; } = [];
    /// <summary>One-time extras not yet packed.</summary>
    public IReadOnlyList<ExtraView> Extras { get; init; } = [];
    /// <summary>The Owner's description of this box's upcoming cycle and of the cycles it was sent in, by cycle (yyyy-MM), where written.</summary>
    public IReadOnlyDictionary<string, CycleContentView> Contents { get; init; } = new Dictionary<string, CycleContentView>();
    /// <summary>The mailed kits on the subscription, each with the day it leaves when the member removed it.</summary>
    public IReadOnlyList<KitView> Kits { get; init; } = [];
}

/// <summary>A mailed kit on a member's subscription; <see cref="EndsOn"/> is set when it is removed at the period end.</summary>
public sealed record KitView(Guid ProductId, string Name, DateTimeOffset? EndsOn);

/// <summary>A parcel on the fulfilment page: the product whose calendar it follows and the shipment.</summary>
public sealed record ParcelRow(string Product, ShipmentRow Shipment);

public sealed record SkipView(CycleKey Cycle, bool ByPause, bool CanUndo);

public sealed record ExtraView(Guid Id, string Description, int Quantity, Money Amount, CycleKey Cycle, bool CanRemove);

public sealed record ShipmentRow(Guid Id, string MemberId, string Name, string Cycle, ShippingAddress Address, IReadOnlyList<ShipmentLine> Lines,
    ShipmentStatus Status, string? Carrier, string? TrackingNumber, DateTimeOffset? ShippedAt);

/// <summary>
/// Box cycles for the Owner: which cycle is open, generating a cycle's shipments at its cut-off (once: a second run
/// creates nothing), the fulfilment CSV, marking shipments shipped (the member gets the "box shipped" email once).
/// Eligible for a box (<see cref="BoxEligibility"/>): an active or trialing subscription to the box with a shipping address
/// and no skip for the cycle; past due ones inside the grace period only when the Owner allows it; unpaid, paused, canceled
/// and incomplete subscriptions get none.
/// </summary>
public sealed class ShipmentService(
    IDbContextFactory<AppDbContext> dbFactory, BusinessSettings business, BoxSettings boxSettings, BillingSettings billing, NoticeQueue notices,
    AuditLog audit, CurrentActor actor, TimeProvider clock, StripeSkipCredits credits, BoxControls controls)
{
    private static readonly SubscriptionStatus[] Eligible = [SubscriptionStatus.Active, SubscriptionStatus.Trialing];

    public async Task<IReadOnlyList<BoxProductView>> BoxProductsAsync(CancellationToken ct = default)
    {
        var zone = await business.TimeZoneAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically))
                .OrderBy(p => p.Kind != ProductKind.Box).ThenBy(p => p.Name).ToListAsync(ct))
            .Select(p => new BoxProductView(p.Id, p.Name, Schedule(p, zone), p.Kind != ProductKind.Box)).ToList();
    }

    internal static BoxSchedule Schedule(Product p, TimeZoneInfo zone) =>
        new(Math.Clamp(p.BoxCutoffDay, 1, 31), Math.Clamp(Math.Max(p.BoxShipDay, p.BoxCutoffDay), 1, 31), zone);

    public async Task<GenerationReport> GenerateAsync(Guid productId, CycleKey cycle, CancellationToken ct = default)
    {
        // Load: the product (a box or a kit), its closed cycle, every subscription carrying it and what fulfilment knows of them.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking()
                .FirstOrDefaultAsync(p => p.Id == productId && (p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically)), ct)
            ?? throw new DomainException("Choose a box or a mailed kit.");
        var schedule = Schedule(product, await business.TimeZoneAsync(ct));
        var now = clock.GetUtcNow();
        if (schedule.IsOpen(cycle, now))
            throw new DomainException($"The {cycle} cycle is open until {schedule.CutoffOf(cycle):d MMM yyyy HH:mm} UTC; members can still change it.");

        if (product.AddOnBilling == AddOnBilling.OneTime)
            return await GenerateOnItsOwnAsync(db, product, cycle, now, ct);

        // Load → plan (the Domain's ShipmentPlan decides each subscription's parcel) → save.
        var candidates = await LoadCandidatesAsync(db, productId, cycle, ct);
        var plan = candidates.Plan(productId, schedule.CutoffOf(cycle), now);
        var created = await SaveParcelsAsync(db, product, cycle, candidates, plan, now, ct);
        // Extras bought for this box (or an earlier one) by members who have since canceled will never ship: refunded now.
        if (product.Kind == ProductKind.Box)
            await controls.RefundStrandedExtrasAsync(productId, cycle, ct);
        int Count(PlanOutcome outcome) => plan.Count(p => p.Outcome == outcome);
        return new GenerationReport(created, Count(PlanOutcome.AlreadyThere), Count(PlanOutcome.Skipped), Count(PlanOutcome.NotEligible), Count(PlanOutcome.NoAddress),
            Count(PlanOutcome.JoinedAfterCutoff), Count(PlanOutcome.ShipsWithAnotherProduct));
    }

    private sealed record ShippableProduct(Guid Id, string Name, ProductKind Kind, bool ShipsPhysically);

    private sealed record Candidate(Guid Id, string MemberId, SubscriptionStatus Status, DateTimeOffset StartedAt, DateTimeOffset? TrialEnd,
        DateTimeOffset? FirstFailedPaymentAt, DateTimeOffset CurrentPeriodStart, DateTimeOffset CurrentPeriodEnd, List<SubscriptionItem> Items);

    /// <summary>What generating one product's cycle reads: every subscription carrying it and what fulfilment knows of them.</summary>
    private sealed record Candidates(
        List<Candidate> Subscriptions, HashSet<Guid> AlreadyThere, HashSet<Guid> Skipped, Dictionary<Guid, ShippableProduct> Shippable,
        Dictionary<Guid, ShippingAddress> Addresses, Dictionary<Guid, List<BoxExtra>> Extras, List<Domain.Shipping.ShippingZone> Zones, EligibilityRules Rules)
    {
        /// <summary>The subscription items behind each planned line, by reference, for the save.</summary>
        public Dictionary<PlanItem, SubscriptionItem> ItemOf { get; } = new(ReferenceEqualityComparer.Instance);

        public IReadOnlyList<PlannedParcel> Plan(Guid productId, DateTimeOffset cutoff, DateTimeOffset now) =>
            ShipmentPlan.Decide(productId, cutoff, Subscriptions.Select(s => new PlanSubscription(s.Id, s.Status, s.StartedAt, s.FirstFailedPaymentAt,
                s.CurrentPeriodEnd, [.. s.Items.Select(ToPlan)], Skipped.Contains(s.Id), Addresses.ContainsKey(s.Id), AlreadyThere.Contains(s.Id))), Rules, now);

        private PlanItem ToPlan(SubscriptionItem i)
        {
            var known = Shippable.GetValueOrDefault(i.ProductId);
            var item = new PlanItem(i.ProductId, known?.Kind ?? ProductKind.Membership, known?.ShipsPhysically ?? false, i.Quantity);
            ItemOf[item] = i;
            return item;
        }
    }

    private async Task<Candidates> LoadCandidatesAsync(AppDbContext db, Guid productId, CycleKey cycle, CancellationToken ct)
    {
        var key = cycle.ToString();
        // (Subscription, cycle) is unique whatever the parcel's product: a parcel already there for a candidate is not made again.
        var existing = (await db.Shipments.AsNoTracking()
            .Where(s => s.Cycle == key && db.Subscriptions.Any(sub => sub.Id == s.SubscriptionId && sub.Items.Any(i => i.ProductId == productId)))
            .Select(s => s.SubscriptionId).ToListAsync(ct)).ToHashSet();
        var skipped = (await db.BoxSkips.AsNoTracking().Where(s => s.Cycle == key).Select(s => s.SubscriptionId).ToListAsync(ct)).ToHashSet();
        var shippable = (await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically))
            .Select(p => new ShippableProduct(p.Id, p.Name, p.Kind, p.ShipsPhysically)).ToListAsync(ct)).ToDictionary(p => p.Id);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.Items.Any(i => i.ProductId == productId))
            .Select(s => new Candidate(s.Id, s.MemberId, s.Status, s.StartedAt, s.TrialEnd, s.FirstFailedPaymentAt, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.Items.ToList()))
            .ToListAsync(ct);
        var zones = await ShippingZones.LoadAsync(db, ct);
        var rules = new EligibilityRules(await boxSettings.ShipPastDueInGraceAsync(ct), (await billing.GetDunningAsync(ct)).GraceDays);
        var extras = (await db.BoxExtras.AsNoTracking()
                .Where(e => e.Status == BoxExtraStatus.Pending && e.ShipmentId == null && db.Subscriptions.Any(s => s.Id == e.SubscriptionId && s.Items.Any(i => i.ProductId == productId)))
                .ToListAsync(ct))
            .GroupBy(e => e.SubscriptionId).ToDictionary(g => g.Key, g => g.ToList());
        var addresses = await db.SubscriptionRecords.AsNoTracking().Where(r => r.ShippingAddress != null && db.Subscriptions.Any(s => s.Id == r.SubscriptionId && s.Items.Any(i => i.ProductId == productId)))
            .Select(r => new { r.SubscriptionId, r.ShippingAddress }).ToDictionaryAsync(r => r.SubscriptionId, r => r.ShippingAddress!, ct);
        return new Candidates(subscriptions, existing, skipped, shippable, addresses, extras, zones, rules);
    }

    /// <summary>
    /// One shipment per planned parcel, saved in batches, then the cycle's generation row and its audit entry. Returns
    /// how many shipments were created.
    /// </summary>
    private async Task<int> SaveParcelsAsync(AppDbContext db, Product product, CycleKey cycle, Candidates candidates, IReadOnlyList<PlannedParcel> plan,
        DateTimeOffset now, CancellationToken ct)
    {
        var key = cycle.ToString();
        var subs = candidates.Subscriptions.ToDictionary(s => s.Id);
        int created = 0;
        db.ChangeTracker.AutoDetectChangesEnabled = false; // only Adds below: nothing to detect, and 50,000 entities make it slow
        foreach (var parcel in plan.Where(p => p.Outcome == PlanOutcome.Ship))
        {
            var sub = subs[parcel.SubscriptionId];
            var shipment = NewShipment(product.Id, key, sub, parcel.Lines.Select(l => candidates.ItemOf[l]), candidates, now);
            if (candidates.Extras.TryGetValue(sub.Id, out var pending))
                PackExtras(db, shipment, cycle, pending);
            db.Shipments.Add(shipment);
            if (++created % 1000 == 0)
            { await SaveGenerationAsync(db, product.Name, key, ct); db.ChangeTracker.Clear(); }
        }
        // Recorded last: a run cut off half-way is finished by the next one (the scheduled job looks for this row).
        if (!await db.BoxCycleGenerations.AnyAsync(g => g.ProductId == product.Id && g.Cycle == key, ct))
            db.BoxCycleGenerations.Add(new BoxCycleGeneration { ProductId = product.Id, Cycle = key, GeneratedAt = now, Created = created });
        audit.Add(db, await actor.GetAsync(), "boxes.generate", $"Generated {created} shipment(s) of {product.Name} for {key}", "product", product.Id.ToString());
        await SaveGenerationAsync(db, product.Name, key, ct);
        return created;
    }

    /// <summary>A planned parcel as a shipment: its lines at what one unit earns, its address and its zone's shipping charge.</summary>
    private static Shipment NewShipment(Guid productId, string key, Candidate sub, IEnumerable<SubscriptionItem> items, Candidates candidates, DateTimeOffset now)
    {
        var address = candidates.Addresses[sub.Id];
        // What one unit earns for this parcel: the item's monthly share after recurring discounts (unit economics).
        long Unit(SubscriptionItem i) => (long)decimal.Round(i.MonthlyRecurring(sub.CurrentPeriodStart, sub.TrialEnd ?? sub.StartedAt) / i.Quantity, 0, MidpointRounding.AwayFromZero);
        var lines = items
            .Select(i => new ShipmentLine { ProductId = i.ProductId, Description = candidates.Shippable[i.ProductId].Name, Quantity = i.Quantity, UnitPriceMinor = Unit(i) })
            .ToList();
        var currency = sub.Items[0].Terms.Currency;
        return new Shipment
        {
            SubscriptionId = sub.Id,
            MemberId = sub.MemberId,
            ProductId = productId,
            Cycle = key,
            CreatedAt = now,
            Lines = lines,
            Currency = currency,
            // What the parcel's zone charges per parcel on a payment for the subscription's items (free past its threshold).
            ShippingChargedMinor = ShippingZoneRules.ChargeFor(candidates.Zones, address.Country, sub.Items.Where(i => i.Terms.Currency == currency)
                .Aggregate(Money.Zero(currency), (sum, i) => sum + i.GrossPerPeriod))?.Minor ?? 0,
            Address = new ShippingAddress { Name = address.Name, Line1 = address.Line1, Line2 = address.Line2, City = address.City, Region = address.Region, PostalCode = address.PostalCode, Country = address.Country },
        };
    }

    /// <summary>Each one-time extra travels in exactly one box: this one, when meant for this cycle or a skipped earlier one.</summary>
    private static void PackExtras(AppDbContext db, Shipment shipment, CycleKey cycle, List<BoxExtra> pending)
    {
        var carried = OneTimeExtras.CarriedBy(cycle, pending.Select(e => new PendingExtra(e.Id, CycleKey.Parse(e.Cycle), e.ShipmentId))).Select(e => e.Id).ToHashSet();
        foreach (var extra in pending.Where(e => carried.Contains(e.Id)))
        {
            shipment.Lines.Add(new ShipmentLine
            {
                ProductId = extra.ProductId,
                Description = extra.Description + OneTimeSuffix,
                Quantity = extra.Quantity,
                UnitPriceMinor = extra.Currency == shipment.Currency ? extra.AmountMinor / extra.Quantity : 0,
            });
            (extra.ShipmentId, extra.Status) = (shipment.Id, BoxExtraStatus.Packed);
            db.BoxExtras.Update(extra);
        }
    }

    /// <summary>Saves a batch of the generation; a second run at the same moment breaks the (subscription, cycle) key.</summary>
    private static async Task SaveGenerationAsync(AppDbContext db, string productName, string key, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (Outbox.IsUniqueViolation(ex))
        {
            throw new DomainException($"Another run was generating {productName} for {key} at the same moment; run it again to finish (it creates nothing twice).");
        }
    }

    /// <summary>
    /// A one-time physical product's own cycle (<see cref="OneTimeGoods"/>): one parcel per subscription with nothing else
    /// mailed, holding every one-time product it bought that is waiting for this cycle or an earlier one. Each is charged
    /// already, so the subscription's status does not matter; it ships once (the product line's shipment is recorded).
    /// </summary>
    private async Task<GenerationReport> GenerateOnItsOwnAsync(AppDbContext db, Product product, CycleKey cycle, DateTimeOffset now, CancellationToken ct)
    {
        var key = cycle.ToString();
        var waiting = (await db.BoxExtras.Where(e => e.Status == BoxExtraStatus.Pending && e.ShipmentId == null
                && db.BoxExtras.Any(x => x.SubscriptionId == e.SubscriptionId && x.ProductId == product.Id && x.Status == BoxExtraStatus.Pending && x.ShipmentId == null))
            .ToListAsync(ct)).Where(e => CycleKey.TryParse(e.Cycle, out var c) && c.CompareTo(cycle) <= 0).ToList();
        var subIds = waiting.Select(e => e.SubscriptionId).Distinct().ToList();
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => subIds.Contains(s.Id)).ToListAsync(ct);
        var withParcel = await ParcelProductsAsync(db, subs, ct); // these ride in their box's or kit's parcel instead
        var existing = (await db.Shipments.AsNoTracking().Where(s => s.Cycle == key && subIds.Contains(s.SubscriptionId)).Select(s => s.SubscriptionId).ToListAsync(ct)).ToHashSet();
        var addresses = await db.SubscriptionRecords.AsNoTracking().Where(r => subIds.Contains(r.SubscriptionId) && r.ShippingAddress != null)
            .ToDictionaryAsync(r => r.SubscriptionId, r => r.ShippingAddress!, ct);
        int created = 0, already = 0, noAddress = 0;
        foreach (var sub in subs.Where(s => !withParcel.ContainsKey(s.Id)))
        {
            if (existing.Contains(sub.Id))
            { already++; continue; }
            if (!addresses.TryGetValue(sub.Id, out var address))
            { noAddress++; continue; }
            var goods = waiting.Where(e => e.SubscriptionId == sub.Id && e.ProductId == product.Id)
                .Concat(waiting.Where(e => e.SubscriptionId == sub.Id && e.ProductId != product.Id)).ToList();
            var shipment = new Shipment
            {
                SubscriptionId = sub.Id,
                MemberId = sub.MemberId,
                ProductId = product.Id,
                Cycle = key,
                CreatedAt = now,
                Currency = goods[0].Currency,
                Lines = [.. goods.Select(e => new ShipmentLine { ProductId = e.ProductId, Description = e.Description + OneTimeSuffix, Quantity = e.Quantity, UnitPriceMinor = e.AmountMinor / e.Quantity })],
                Address = new ShippingAddress { Name = address.Name, Line1 = address.Line1, Line2 = address.Line2, City = address.City, Region = address.Region, PostalCode = address.PostalCode, Country = address.Country },
            };
            foreach (var extra in goods)
                (extra.ShipmentId, extra.Status) = (shipment.Id, BoxExtraStatus.Packed);
            db.Shipments.Add(shipment);
            created++;
        }
        if (!await db.BoxCycleGenerations.AnyAsync(g => g.ProductId == product.Id && g.Cycle == key, ct))
            db.BoxCycleGenerations.Add(new BoxCycleGeneration { ProductId = product.Id, Cycle = key, GeneratedAt = now, Created = created });
        audit.Add(db, await actor.GetAsync(), "boxes.generate", $"Generated {created} shipment(s) of {product.Name} for {key}", "product", product.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (Outbox.IsUniqueViolation(ex))
        {
            throw new DomainException($"Another run was generating {product.Name} for {key} at the same moment; run it again to finish (it creates nothing twice).");
        }
        return new GenerationReport(created, already, 0, 0, noAddress, 0, withParcel.Count);
    }

    public async Task<IReadOnlyList<ShipmentRow>> ShipmentsAsync(Guid productId, CycleKey cycle, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = cycle.ToString();
        var rows = await db.Shipments.AsNoTracking().Where(s => s.ProductId == productId && s.Cycle == key).OrderBy(s => s.Address.Name).ToListAsync(ct);
        return rows.Select(s => new ShipmentRow(s.Id, s.MemberId, s.Address.Name, s.Cycle, s.Address, s.Lines, s.Status, s.Carrier, s.TrackingNumber, s.ShippedAt)).ToList();
    }

    /// <summary>The products (boxes, kits, one-time products) with a cycle shipping on <paramref name="shipDate"/>, each with that cycle.</summary>
    public async Task<IReadOnlyList<(BoxProductView Product, CycleKey Cycle)>> DueOnAsync(DateOnly shipDate, CancellationToken ct = default)
    {
        var cycle = new CycleKey(shipDate.Year, shipDate.Month);
        return [.. (await BoxProductsAsync(ct)).Where(p => p.Schedule.ShipDateOf(cycle) == shipDate).Select(p => (p, cycle))];
    }

    /// <summary>Every parcel shipping on <paramref name="shipDate"/> across boxes, kits and one-time products, by name.</summary>
    public async Task<IReadOnlyList<ParcelRow>> ParcelsOnAsync(DateOnly shipDate, CancellationToken ct = default)
    {
        var due = await DueOnAsync(shipDate, ct);
        if (due.Count == 0)
            return [];
        var ids = due.Select(d => d.Product.Id).ToList();
        var names = due.ToDictionary(d => d.Product.Id, d => d.Product.Name);
        var key = due[0].Cycle.ToString();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Shipments.AsNoTracking().Where(s => s.Cycle == key && ids.Contains(s.ProductId)).ToListAsync(ct);
        return [.. rows.OrderBy(s => s.Address.Name).ThenBy(s => s.Id)
            .Select(s => new ParcelRow(names[s.ProductId], new ShipmentRow(s.Id, s.MemberId, s.Address.Name, s.Cycle, s.Address, s.Lines, s.Status, s.Carrier, s.TrackingNumber, s.ShippedAt)))];
    }

    /// <summary>Generates every closed cycle shipping on <paramref name="shipDate"/> (each run creates nothing twice); open ones are left for their cut-off.</summary>
    public async Task<GenerationReport> GenerateShipDateAsync(DateOnly shipDate, CancellationToken ct = default)
    {
        var total = new GenerationReport(0, 0, 0, 0, 0);
        foreach (var (product, cycle) in await DueOnAsync(shipDate, ct))
        {
            if (product.Schedule.IsOpen(cycle, clock.GetUtcNow()))
                continue;
            var r = await GenerateAsync(product.Id, cycle, ct);
            total = new GenerationReport(total.Created + r.Created, total.AlreadyThere + r.AlreadyThere, total.Skipped + r.Skipped, total.NotEligible + r.NotEligible,
                total.NoAddress + r.NoAddress, total.JoinedAfterCutoff + r.JoinedAfterCutoff, total.InAnotherParcel + r.InAnotherParcel);
        }
        return total;
    }

    /// <summary>The fulfilment partner's file for a ship date: every parcel of every product, one row each.</summary>
    public async Task<string> ExportCsvAsync(DateOnly shipDate, CancellationToken ct = default)
    {
        var parcels = await ParcelsOnAsync(shipDate, ct);
        return Csv(parcels.Select(p => p.Shipment), product: true, parcels.ToDictionary(p => p.Shipment.Id, p => p.Product));
    }

    /// <summary>The fulfilment partner's file: one row per box, address as it was at cut-off.</summary>
    public async Task<string> ExportCsvAsync(Guid productId, CycleKey cycle, CancellationToken ct = default) =>
        Csv(await ShipmentsAsync(productId, cycle, ct), product: false, null);

    private static string Csv(IEnumerable<ShipmentRow> rows, bool product, Dictionary<Guid, string>? productOf)
    {
        var csv = new StringBuilder("shipment_id,cycle,name,line1,line2,city,region,postal_code,country,items,status,carrier,tracking_number" + (product ? ",product" : "") + "\n");
        foreach (var s in rows)
            csv.AppendJoin(',', [s.Id.ToString(), s.Cycle, Cell(s.Address.Name), Cell(s.Address.Line1), Cell(s.Address.Line2 ?? ""), Cell(s.Address.City),
                Cell(s.Address.Region ?? ""), Cell(s.Address.PostalCode), s.Address.Country, Cell(string.Join("; ", s.Lines.Select(l => $"{l.Quantity} × {l.Description}"))),
                s.Status.ToString(), Cell(s.Carrier ?? ""), Cell(s.TrackingNumber ?? ""), .. product ? [Cell(productOf![s.Id])] : Array.Empty<string>()]).Append('\n');
        return csv.ToString();
    }

    private static string Cell(string value) => Domain.Common.Csv.Cell(value);

    /// <summary>Marks a box shipped with its tracking and queues the member's "box shipped" email (once per shipment).</summary>
    public async Task<string?> MarkShippedAsync(Guid shipmentId, string? carrier, string? tracking, CancellationToken ct = default)
    {
        carrier = carrier?.Trim();
        tracking = tracking?.Trim();
        if (string.IsNullOrEmpty(carrier) || carrier.Length > 64)
            return "Enter the carrier (at most 64 characters).";
        if (string.IsNullOrEmpty(tracking) || tracking.Length > 128 || tracking.Any(char.IsControl))
            return "Enter the tracking number (at most 128 characters).";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.Id == shipmentId, ct);
        if (shipment is null)
            return "This shipment no longer exists.";
        var sub = await db.Subscriptions.AsNoTracking().Include(s => s.Items).FirstAsync(s => s.Id == shipment.SubscriptionId, ct);
        await ShipAsync(notices, db, shipment, sub, carrier, tracking, clock.GetUtcNow(), ct);
        audit.Add(db, await actor.GetAsync(), "boxes.ship", $"Marked the {shipment.Cycle} box shipped ({carrier})", "member", shipment.MemberId);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>How a one-time product's line is described in a parcel: "Starter kit (one-time)".</summary>
    internal const string OneTimeSuffix = " (one-time)";

    /// <summary>Sets the tracking and queues the "parcel shipped" email; the dedup key sends it once per shipment.</summary>
    internal static async Task ShipAsync(NoticeQueue notices, AppDbContext db, Shipment shipment, Subscription sub, string carrier, string tracking,
        DateTimeOffset now, CancellationToken ct)
    {
        (shipment.Status, shipment.Carrier, shipment.TrackingNumber, shipment.ShippedAt) = (ShipmentStatus.Shipped, carrier, tracking, shipment.ShippedAt ?? now);
        var extra = new Dictionary<string, string>
        {
            ["carrier"] = carrier,
            ["tracking_number"] = tracking,
            ["tracking_url"] = TrackingUrl(carrier, tracking),
            ["parcel_contents"] = string.Join(", ", shipment.Lines.Select(l => $"{l.Quantity} × {l.Description}")),
        };
        // The parcel is named by what it is for: the box or kit ("Your Craft Kit is on its way"), not the whole plan with
        // its add-ons ("Pro + Craft Kit"); a one-time product shipped on its own by its name.
        if (shipment.Lines.FirstOrDefault(l => l.ProductId == shipment.ProductId)?.Description is { Length: > 0 } name)
            extra["plan.name"] = name.EndsWith(OneTimeSuffix, StringComparison.Ordinal) ? name[..^OneTimeSuffix.Length] : name;
        await notices.QueueAsync(db, NoticeKind.BoxShipped, $"box-shipped:{shipment.Id}", sub, now, extra, ct);
    }

    /// <summary>A carrier's public tracking page for the common carriers; otherwise a web search for the number.</summary>
    public static string TrackingUrl(string carrier, string tracking)
    {
        var number = Uri.EscapeDataString(tracking);
        return carrier.Trim().ToUpperInvariant() switch
        {
            "USPS" => $"https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
            "UPS" => $"https://www.ups.com/track?tracknum={number}",
            "FEDEX" => $"https://www.fedex.com/fedextrack/?trknbr={number}",
            "DHL" => $"https://www.dhl.com/track?tracking-id={number}",
            "ROYAL MAIL" => $"https://www.royalmail.com/track-your-item#/tracking-results/{number}",
            _ => $"https://www.google.com/search?q={Uri.EscapeDataString(carrier + " " + tracking)}",
        };
    }

    /// <summary>Member: their box subscriptions with the next box (and whether it is skipped) and the boxes sent so far.</summary>
    public async Task<IReadOnlyList<MemberBox>> MemberBoxesAsync(string memberId, CancellationToken ct = default)
    {
        var zone = await business.TimeZoneAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var boxes = await db.Products.AsNoTracking().Where(p => p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically)).ToDictionaryAsync(p => p.Id, ct);
        var boxIds = boxes.Keys.ToList();
        // Box subscriptions and memberships or courses with a mailed kit: each listed with its parcel's product (the box, else the kit).
        var subs = (await db.Subscriptions.AsNoTracking().Where(s => s.MemberId == memberId && s.Items.Any(i => boxIds.Contains(i.ProductId)))
                .Select(s => new { s.Id, s.Status, Products = s.Items.Select(i => i.ProductId).ToList() }).ToListAsync(ct))
            .Select(s => new { s.Id, s.Status, Parcel = ShipmentPlan.ParcelProduct(s.Products.Where(boxes.ContainsKey).Select(id => ToPlanItem(boxes[id]))) })
            .Where(s => s.Parcel is not null).ToList();
        var ids = subs.Select(s => s.Id).ToList();
        var skips = await db.BoxSkips.AsNoTracking().Where(k => ids.Contains(k.SubscriptionId)).Select(k => new { k.SubscriptionId, k.Cycle, k.ByPause, k.WaivedPeriodStart }).ToListAsync(ct);
        var extras = await db.BoxExtras.AsNoTracking().Where(e => ids.Contains(e.SubscriptionId) && e.Status == BoxExtraStatus.Pending).OrderBy(e => e.CreatedAt).ToListAsync(ct);
        var records = await db.SubscriptionRecords.AsNoTracking().Where(r => ids.Contains(r.SubscriptionId)).ToDictionaryAsync(r => r.SubscriptionId, ct);
        var full = (await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id)).Include(s => s.Items).ToListAsync(ct)).ToDictionary(s => s.Id);
        var shipments = await db.Shipments.AsNoTracking().Where(s => ids.Contains(s.SubscriptionId)).OrderByDescending(s => s.Cycle).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var upcomingCycles = boxes.Values.Select(p => Schedule(p, zone).CycleFor(now).ToString());
        var contents = await CycleContents.ForAsync(db, boxIds, [.. upcomingCycles.Concat(shipments.Select(x => x.Cycle)).Distinct()], ct);
        return subs.Select(s =>
        {
            var product = boxes[s.Parcel!.Value];
            var schedule = Schedule(product, zone);
            var upcoming = schedule.CycleFor(now);
            return new MemberBox(s.Id, product.Name, upcoming, schedule.ShipDateOf(upcoming), schedule.CutoffOf(upcoming),
                skips.Any(k => k.SubscriptionId == s.Id && k.Cycle == upcoming.ToString()), Eligible.Contains(s.Status),
                shipments.Where(x => x.SubscriptionId == s.Id).Select(x => new ShipmentRow(x.Id, x.MemberId, x.Address.Name, x.Cycle, x.Address, x.Lines, x.Status, x.Carrier, x.TrackingNumber, x.ShippedAt)).ToList())
            {
                BoxProductId = product.Id,
                Currency = full[s.Id].Currency,
                CanPause = product.AllowPause || product.Kind != ProductKind.Box, // a kit's pause skips only the kit
                IsKit = product.Kind != ProductKind.Box,
                Kits = [.. full[s.Id].Items.Where(i => boxes.TryGetValue(i.ProductId, out var k) && k.Kind == ProductKind.AddOn)
                    .Select(i => new KitView(i.ProductId, boxes[i.ProductId].Name, i.EndsAtPeriodEnd ? full[s.Id].CurrentPeriodEnd : null))],
                AddressId = records.GetValueOrDefault(s.Id)?.AddressId,
                ShipTo = records.GetValueOrDefault(s.Id)?.ShippingAddress,
                Skips = [.. skips.Where(k => k.SubscriptionId == s.Id && CycleKey.TryParse(k.Cycle, out var c) && c.CompareTo(upcoming) >= 0)
                    .Select(k => CycleKey.Parse(k.Cycle)).Order()
                    .Select(c => new SkipView(c, skips.First(k => k.SubscriptionId == s.Id && k.Cycle == c.ToString()).ByPause,
                        schedule.IsOpen(c, now) && skips.First(k => k.SubscriptionId == s.Id && k.Cycle == c.ToString()).WaivedPeriodStart is null))],
                Extras = [.. extras.Where(e => e.SubscriptionId == s.Id).Select(e => new ExtraView(e.Id, e.Description, e.Quantity, new Money(e.AmountMinor, e.Currency),
                    CycleKey.Parse(e.Cycle), OneTimeExtras.CanRemove(schedule, CycleKey.Parse(e.Cycle), now)))],
                Contents = contents.Where(c => c.Key.ProductId == product.Id).ToDictionary(c => c.Key.Cycle, c => c.Value),
            };
        }).ToList();
    }

    private static PlanItem ToPlanItem(Product p) => new(p.Id, p.Kind, p.ShipsPhysically);

    /// <summary>Each subscription's parcel product (<see cref="ShipmentPlan.ParcelProduct"/>): its box, else its mailed kit; absent when nothing ships.</summary>
    internal static async Task<Dictionary<Guid, Product>> ParcelProductsAsync(AppDbContext db, IReadOnlyList<Subscription> subs, CancellationToken ct)
    {
        var ids = subs.SelectMany(s => s.Items).Select(i => i.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var result = new Dictionary<Guid, Product>();
        foreach (var sub in subs)
            if (ShipmentPlan.ParcelProduct(sub.Items.Where(i => products.ContainsKey(i.ProductId)).Select(i => ToPlanItem(products[i.ProductId]))) is { } parcel)
                result[sub.Id] = products[parcel];
        return result;
    }

    /// <summary>Member: skip a cycle of a box subscription, or of a membership's mailed kit, while it is open (no parcel for it).</summary>
    public async Task<string?> SkipAsync(string memberId, Guid subscriptionId, CycleKey cycle, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct, tracking: false);
        if (sub is null)
            return "Subscription not found.";
        // The box, or else the mailed kit, whose parcel and calendar the skip is about (ShipmentPlan).
        var product = (await ParcelProductsAsync(db, [sub], ct)).GetValueOrDefault(sub.Id);
        if (product is null)
            return "This subscription has no box.";
        var schedule = Schedule(product, await business.TimeZoneAsync(ct));
        if (!schedule.IsOpen(cycle, clock.GetUtcNow()))
            return $"The {cycle} box is already being packed; it can no longer be skipped.";
        var key = cycle.ToString();
        if (await db.BoxSkips.AnyAsync(s => s.SubscriptionId == subscriptionId && s.Cycle == key, ct))
            return null;
        var skip = new BoxSkip { SubscriptionId = subscriptionId, Cycle = key, At = clock.GetUtcNow() };
        if (await credits.CreditAsync(db, subscriptionId, [skip], ct) is { } problem)
            return problem;
        db.BoxSkips.Add(skip);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
