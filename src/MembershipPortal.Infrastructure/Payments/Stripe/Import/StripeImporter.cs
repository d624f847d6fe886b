using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Import;

/// <summary>Payments:Stripe:Import. Stripe allows 100 read requests a second in live mode (25 in test mode).</summary>
public sealed class StripeImportOptions
{
    public const string Section = PaymentsOptions.Section + ":Stripe:Import";

    /// <summary>The pace of reads; at most 100 (Stripe's live-mode limit). 0 or less: no pacing (the fake in tests).</summary>
    public double RequestsPerSecond { get; set; } = 80;

    /// <summary>Subscriptions applied per transaction.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>Where the import stands: what has been read per kind, what is applied, and what the mapping still needs.</summary>
public sealed record StripeImportProgress(
    string Step, IReadOnlyDictionary<string, int> Read, IReadOnlyDictionary<string, bool> ReadDone,
    int SubscriptionsToApply, int SubscriptionsApplied, int PricesUndecided, DateTimeOffset? CompletedAt)
{
    /// <summary>0–1 for a progress bar: reading counts half, applying the other half.</summary>
    public double Fraction
    {
        get
        {
            var reading = ReadDone.Count == 0 ? 0 : ReadDone.Values.Count(d => d) / (double)ReadDone.Count;
            var applying = SubscriptionsToApply + SubscriptionsApplied == 0 ? (reading >= 1 ? 1 : 0)
                : SubscriptionsApplied / (double)(SubscriptionsToApply + SubscriptionsApplied);
            return Math.Round(reading / 2 + applying / 2, 4);
        }
    }
}

public enum StripeImportOutcome { Completed, NeedsMapping, Stopped }

/// <summary>What a run did. <see cref="Message"/> is for the Owner (page) or the CLI's standard output/error.</summary>
public sealed record StripeImportResult(
    StripeImportOutcome Outcome, string Message, int Requests, int MembersCreated, int MembersMatched, int SubscriptionsAdded,
    int SubscriptionsUpdated, int SubscriptionsSkipped, int InvoicesAdded, int InvoicesUpdated, int PaymentsAdded,
    IReadOnlyList<string> UndecidedPrices)
{
    /// <summary>True when the run added or changed nothing at all (a second import of an unchanged account).</summary>
    public bool AddedNothing => MembersCreated == 0 && SubscriptionsAdded == 0 && SubscriptionsUpdated == 0 && InvoicesAdded == 0 && InvoicesUpdated == 0 && PaymentsAdded == 0;

    public string Summary =>
        $"{MembersCreated} member(s) created, {MembersMatched} matched; {SubscriptionsAdded} subscription(s) added, {SubscriptionsUpdated} updated, "
        + $"{SubscriptionsSkipped} skipped; {InvoicesAdded} invoice(s) added, {InvoicesUpdated} updated; {PaymentsAdded} payment(s); {Requests} Stripe request(s).";
}

/// <summary>
/// Adopts an existing Stripe account's subscribers ("move in"). Reading comes first and is resumable: products, prices,
/// customers, subscriptions (every status) and invoices are paged with <c>starting_after</c>, each page saved with its
/// cursor in one transaction, so a stopped run continues after the last saved page. Nothing is imported until every price
/// a subscription uses is mapped to a catalog price or deliberately left out. Applying then creates a member (no password,
/// no email) per customer with a subscription and replays each subscription's history through the domain at Stripe's own
/// times: started at its start date with its trial and discount, each paid invoice a payment (renewal, recovery, plan
/// change by the invoice's lines), each failed invoice a failed payment, then its current state (cancel scheduled,
/// canceled, paused ...) through <see cref="SubscriptionReconciler"/>, the webhooks' own code. Invoices and payments go
/// through the webhook's invoice upsert. Everything is keyed by Stripe ids: a second run applies only what changed.
/// </summary>
public sealed class StripeImporter(
    IDbContextFactory<AppDbContext> dbFactory, IServiceProvider services, TimeProvider clock, IOptions<StripeImportOptions> options,
    ILogger<StripeImporter> logger)
{
    // Identity's own normalizer (registered scoped, so not injected into this singleton): the same keys sign-in looks up.
    private static readonly UpperInvariantLookupNormalizer normalizer = new();

    public const string CursorKeyPrefix = "stripe-import:cursor:";
    public const string CompletedKey = "stripe-import:completed-at";
    private const string Done = "done";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private readonly SubscriptionReconciler reconciler = new(logger);
    private DateTimeOffset nextRequestAt;
    private int requests;

    private StripePaymentGateway Stripe => services.GetRequiredService<StripePaymentGateway>();

    /// <summary>True while a run holds the import (one at a time, page or CLI).</summary>
    public static bool Running => Gate.CurrentCount == 0;

    // ---- progress and mapping ----

    public async Task<StripeImportProgress> ProgressAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ProgressAsync(db, "", ct);
    }

    private static async Task<StripeImportProgress> ProgressAsync(AppDbContext db, string step, CancellationToken ct)
    {
        var cursors = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(CursorKeyPrefix)).ToDictionaryAsync(s => s.Key[CursorKeyPrefix.Length..], s => s.Value, ct);
        var counts = await db.StripeImportObjects.GroupBy(o => o.Kind).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        counts[StripeImportKinds.Prices] = await db.StripePriceMappings.CountAsync(ct);
        var toApply = await PendingSubscriptions(db).CountAsync(ct);
        var applied = await db.StripeImportObjects.CountAsync(o => o.Kind == StripeImportKinds.Subscriptions && o.AppliedHash == o.Hash, ct);
        var undecided = await UndecidedAsync(db, ct);
        var completed = await db.Settings.AsNoTracking().Where(s => s.Key == CompletedKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        return new StripeImportProgress(step,
            StripeImportKinds.Reading.ToDictionary(k => k, k => counts.GetValueOrDefault(k)),
            StripeImportKinds.Reading.ToDictionary(k => k, k => cursors.GetValueOrDefault(k) == Done),
            toApply, applied, undecided.Count,
            DateTimeOffset.TryParse(completed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);
    }

    /// <summary>Every Stripe price read, with its proposal and decision; prices subscriptions use first.</summary>
    public async Task<IReadOnlyList<StripePriceMapping>> MappingsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StripePriceMappings.AsNoTracking().OrderByDescending(m => m.SubscriptionItems).ThenBy(m => m.ProductName).ThenBy(m => m.UnitAmountMinor).ToListAsync(ct);
    }

    /// <summary>
    /// The Owner's decision for one Stripe price: a catalog price (same currency and billing interval), or left out.
    /// Returns the problem, or null when saved.
    /// </summary>
    public async Task<string?> MapAsync(string stripePriceId, Guid? catalogPriceId, bool leftOut, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mapping = await db.StripePriceMappings.FirstOrDefaultAsync(m => m.StripePriceId == stripePriceId, ct);
        if (mapping is null)
            return $"Stripe price {stripePriceId} has not been read from Stripe; run the import's reading first.";
        if (leftOut)
        {
            (mapping.CatalogPriceId, mapping.LeftOut) = (null, true);
        }
        else if (catalogPriceId is { } id)
        {
            var price = await db.Prices.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (price is null)
                return "That catalog price does not exist.";
            if (Problem(mapping, price.Terms) is { } problem)
                return problem;
            (mapping.CatalogPriceId, mapping.LeftOut) = (id, false);
        }
        else
        {
            (mapping.CatalogPriceId, mapping.LeftOut) = (null, false);
        }
        mapping.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Confirms every proposal of a price not decided yet; returns how many.</summary>
    public async Task<int> AcceptProposalsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await db.StripePriceMappings.Where(m => m.CatalogPriceId == null && !m.LeftOut && m.ProposedPriceId != null).ToListAsync(ct);
        foreach (var m in open)
            (m.CatalogPriceId, m.UpdatedAt) = (m.ProposedPriceId, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return open.Count;
    }

    /// <summary>
    /// Creates the catalog product (one per Stripe product, reused for its other prices) and a price with the Stripe price's
    /// terms, and maps the Stripe price to it. The product is hidden until the Owner shows it. Returns the problem or null.
    /// </summary>
    public async Task<string?> CreatePlanAsync(string stripePriceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mapping = await db.StripePriceMappings.FirstOrDefaultAsync(m => m.StripePriceId == stripePriceId, ct);
        if (mapping is null)
            return $"Stripe price {stripePriceId} has not been read from Stripe.";
        if (mapping.Interval is null || !Enum.TryParse<BillingInterval>(mapping.Interval, ignoreCase: true, out var interval))
            return $"Stripe price {stripePriceId} is not recurring; only recurring prices become plans.";
        PriceTerms terms;
        try
        {
            terms = new PriceTerms(new Money(mapping.UnitAmountMinor, mapping.Currency.ToUpperInvariant()), interval, mapping.IntervalCount);
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
        var now = clock.GetUtcNow();
        var product = await db.Products.FirstOrDefaultAsync(p => p.StripeProductId == mapping.StripeProductId, ct);
        if (product is null)
        {
            var name = string.IsNullOrWhiteSpace(mapping.ProductName) ? mapping.StripeProductId : mapping.ProductName.Trim();
            var slug = await FreeSlugAsync(db, name, ct);
            product = new Catalog.Product
            {
                Name = name.Length > 200 ? name[..200] : name,
                Slug = slug,
                Kind = ProductKind.Membership,
                IsVisible = false,
                StripeProductId = mapping.StripeProductId,
                CreatedAt = now,
            };
            db.Products.Add(product);
        }
        var price = CatalogPrice.Create(product.Id, terms);
        db.Prices.Add(price);
        // The plan is this very Stripe price: synced, as if the catalog sync had created it (reconciliation compares by it).
        if (!await db.Prices.AnyAsync(p => EF.Property<string?>(p, StripeLedger.PriceIdColumn) == stripePriceId, ct))
            db.Entry(price).Property(StripeLedger.PriceIdColumn).CurrentValue = stripePriceId;
        (mapping.CatalogPriceId, mapping.LeftOut, mapping.UpdatedAt) = (price.Id, false, now);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private static async Task<string> FreeSlugAsync(AppDbContext db, string name, CancellationToken ct)
    {
        var baseSlug = new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        while (baseSlug.Contains("--", StringComparison.Ordinal))
            baseSlug = baseSlug.Replace("--", "-", StringComparison.Ordinal);
        baseSlug = baseSlug.Length == 0 ? "imported" : baseSlug.Length > 60 ? baseSlug[..60].Trim('-') : baseSlug;
        var slug = baseSlug;
        for (var n = 2; await db.Products.AnyAsync(p => p.Slug == slug, ct); n++)
            slug = $"{baseSlug}-{n}";
        return slug;
    }

    private static string? Problem(StripePriceMapping mapping, PriceTerms terms)
    {
        if (!string.Equals(terms.Currency, mapping.Currency, StringComparison.OrdinalIgnoreCase))
            return $"Stripe bills {mapping.StripePriceId} in {mapping.Currency.ToUpperInvariant()}; that plan is in {terms.Currency}.";
        if (mapping.Interval is null)
            return $"Stripe price {mapping.StripePriceId} is not recurring.";
        if (!string.Equals(terms.Interval.ToString(), mapping.Interval, StringComparison.OrdinalIgnoreCase) || terms.IntervalCount != mapping.IntervalCount)
            return $"Stripe renews {mapping.StripePriceId} every {mapping.IntervalCount} {mapping.Interval}(s); that plan renews every {terms.IntervalCount} {terms.Interval.ToString().ToLowerInvariant()}(s).";
        return null;
    }

    /// <summary>Prices that subscriptions use and the Owner has neither mapped nor left out.</summary>
    private static async Task<List<string>> UndecidedAsync(AppDbContext db, CancellationToken ct) =>
        await db.StripePriceMappings.AsNoTracking().Where(m => m.SubscriptionItems > 0 && m.CatalogPriceId == null && !m.LeftOut)
            .OrderBy(m => m.StripePriceId).Select(m => m.StripePriceId).ToListAsync(ct);

    // ---- the run ----

    /// <summary>
    /// Reads what is left to read, then applies when the mapping is complete. Cancelling stops after the page or batch in
    /// hand is saved; the next run continues there. A second run of an unchanged account adds nothing.
    /// </summary>
    public async Task<StripeImportResult> RunAsync(IProgress<StripeImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (!await Gate.WaitAsync(0, ct))
            return Stopped("An import is already running.");
        requests = 0;
        try
        {
            foreach (var kind in StripeImportKinds.Reading)
                await ReadAsync(kind, progress, ct);
            await ProposeAsync(ct);

            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var undecided = await UndecidedAsync(db, ct);
                if (undecided.Count > 0)
                    return new StripeImportResult(StripeImportOutcome.NeedsMapping,
                        $"Nothing imported: {undecided.Count} Stripe price(s) in use are neither mapped to a plan nor left out ({string.Join(", ", undecided.Take(10))}"
                        + $"{(undecided.Count > 10 ? ", ..." : "")}). Map or leave out each one, then run the import again.",
                        requests, 0, 0, 0, 0, 0, 0, 0, 0, undecided);
            }

            var result = await ApplyAsync(progress, ct);
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // The next run reads the account again from the start, so it sees what changed since.
                await db.Settings.Where(s => s.Key.StartsWith(CursorKeyPrefix)).ExecuteDeleteAsync(ct);
                await SetAsync(db, CompletedKey, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ct);
                await db.SaveChangesAsync(ct);
            }
            return result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Stopped("Stopped. What was read and applied is kept; run the import again to continue where it stopped.");
        }
        catch (PaymentGatewayException ex)
        {
            logger.LogWarning(ex, "Stripe import stopped: {Reason}", ex.Message);
            return Stopped(ex.Code == "rate_limit"
                ? "Stripe kept answering 429 (rate limit) after backing off. What was read is kept; run the import again to continue."
                : $"Stripe refused a request: {ex.Message}. What was read is kept; run the import again to continue.");
        }
        finally
        {
            Gate.Release();
        }
    }

    private StripeImportResult Stopped(string message) => new(StripeImportOutcome.Stopped, message, requests, 0, 0, 0, 0, 0, 0, 0, 0, []);

    /// <summary>Pages through one kind from its saved cursor; each page and the cursor after it are saved together.</summary>
    private async Task ReadAsync(string kind, IProgress<StripeImportProgress>? progress, CancellationToken ct)
    {
        var key = CursorKeyPrefix + kind;
        string? cursor;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            cursor = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (cursor == Done)
            return;
        List<KeyValuePair<string, string>> query = [new("limit", "100")];
        if (kind == StripeImportKinds.Subscriptions)
            query.AddRange([new("status", "all"), new("expand[0]", "data.discounts.source.coupon")]);
        if (kind == StripeImportKinds.Invoices)
            query.Add(new("expand[0]", "data.payments"));
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await PaceAsync(ct);
            requests++;
            var page = await Stripe.ListRawAsync($"/v1/{kind}", cursor is null ? query : [.. query, new("starting_after", cursor)], ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (kind == StripeImportKinds.Prices)
                await StagePricesAsync(db, page.Data, ct);
            else
                await StageAsync(db, kind, page.Data, ct);
            cursor = page.HasMore && page.Data.Count > 0 ? IdOf(page.Data[^1]) : Done;
            await SetAsync(db, key, cursor, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            progress?.Report(await ProgressAsync(db, $"Reading {kind}", ct));
            if (cursor == Done)
                return;
        }
    }

    /// <summary>At most <see cref="StripeImportOptions.RequestsPerSecond"/> requests a second (429s are backed off by the adapter).</summary>
    private async Task PaceAsync(CancellationToken ct)
    {
        var perSecond = Math.Min(options.Value.RequestsPerSecond, 100);
        if (perSecond <= 0)
            return;
        var now = DateTimeOffset.UtcNow; // wall time, not the business clock: this is about Stripe's servers
        if (nextRequestAt > now)
            await Task.Delay(nextRequestAt - now, ct);
        nextRequestAt = (nextRequestAt > now ? nextRequestAt : now) + TimeSpan.FromSeconds(1 / perSecond);
    }

    private static string IdOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task StageAsync(AppDbContext db, string kind, IReadOnlyList<string> page, CancellationToken ct)
    {
        var rows = new List<StripeImportObject>(page.Count);
        foreach (var json in page)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            var id = node["id"]!.GetValue<string>();
            var created = node["created"] is JsonValue c ? c.GetValue<long>() : 0;
            string? parent = null;
            string kept;
            switch (kind)
            {
                case StripeImportKinds.Subscriptions:
                    parent = Text(node, "customer") ?? Text(node["customer"], "id");
                    kept = json;
                    break;
                case StripeImportKinds.Invoices:
                    var invoice = JsonSerializer.Deserialize(json, StripeWebhookJson.Default.WebhookInvoice)!;
                    parent = invoice.Parent?.SubscriptionDetails?.SubscriptionId;
                    if (parent is null)
                        continue; // one-off invoices are not part of a subscription's history
                    kept = JsonSerializer.Serialize(invoice, StripeWebhookJson.Default.WebhookInvoice);
                    break;
                case StripeImportKinds.Customers:
                    kept = new JsonObject { ["id"] = id, ["email"] = Text(node, "email"), ["name"] = Text(node, "name"), ["created"] = created }.ToJsonString();
                    break;
                default:
                    kept = new JsonObject { ["id"] = id, ["name"] = Text(node, "name"), ["active"] = node["active"]?.GetValue<bool>() ?? true }.ToJsonString();
                    break;
            }
            rows.Add(new StripeImportObject { Id = id, Kind = kind, ParentId = parent, Created = created, Json = kept, Hash = Hash(kept) });
        }
        var ids = rows.Select(r => r.Id).ToList();
        var existing = await db.StripeImportObjects.Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.Id, out var old))
                db.StripeImportObjects.Add(row);
            else if (old.Hash != row.Hash)
                (old.Json, old.Hash, old.ParentId, old.Created) = (row.Json, row.Hash, row.ParentId, row.Created);
        }
    }

    private async Task StagePricesAsync(AppDbContext db, IReadOnlyList<string> page, CancellationToken ct)
    {
        var products = await db.StripeImportObjects.AsNoTracking().Where(o => o.Kind == StripeImportKinds.Products).Select(o => new { o.Id, o.Json }).ToListAsync(ct);
        var names = products.ToDictionary(p => p.Id, p => Text(JsonNode.Parse(p.Json), "name") ?? p.Id, StringComparer.Ordinal);
        var parsed = page.Select(j => JsonNode.Parse(j)!.AsObject()).ToList();
        var ids = parsed.Select(p => p["id"]!.GetValue<string>()).ToList();
        var existing = await db.StripePriceMappings.Where(m => ids.Contains(m.StripePriceId)).ToDictionaryAsync(m => m.StripePriceId, ct);
        foreach (var p in parsed)
        {
            var id = p["id"]!.GetValue<string>();
            if (!existing.TryGetValue(id, out var m))
            {
                m = new StripePriceMapping { StripePriceId = id, StripeProductId = "", Currency = "" };
                db.StripePriceMappings.Add(m);
            }
            m.StripeProductId = Text(p, "product") ?? Text(p["product"], "id") ?? "";
            m.ProductName = Truncate(names.GetValueOrDefault(m.StripeProductId) ?? m.StripeProductId, 250);
            m.Nickname = Text(p, "nickname") is { } nick ? Truncate(nick, 250) : null;
            m.UnitAmountMinor = p["unit_amount"] is JsonValue amount ? amount.GetValue<long>() : 0;
            m.Currency = (Text(p, "currency") ?? "").ToUpperInvariant();
            m.Interval = Text(p["recurring"], "interval");
            m.IntervalCount = p["recurring"]?["interval_count"] is JsonValue count ? (int)count.GetValue<long>() : 1;
            m.Active = p["active"]?.GetValue<bool>() ?? true;
            m.UpdatedAt = clock.GetUtcNow();
        }
    }

    /// <summary>
    /// Counts each price's subscription items and proposes, for each price not decided yet, the catalog price with the
    /// same amount, currency and interval (a synced or current price first).
    /// </summary>
    private async Task ProposeAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var subscriptions = await db.StripeImportObjects.AsNoTracking().Where(o => o.Kind == StripeImportKinds.Subscriptions).Select(o => o.Json).ToListAsync(ct);
        foreach (var json in subscriptions)
            foreach (var item in JsonSerializer.Deserialize(json, StripeWebhookJson.Default.WebhookSubscription)?.Items?.Data ?? [])
                if (item.Price?.Id is { } id && item.Price.Product != StripePaymentGateway.ShippingProductId)
                    uses[id] = uses.GetValueOrDefault(id) + 1;
        var catalog = await db.Prices.AsNoTracking().ToListAsync(ct);
        var synced = (await db.Prices.AsNoTracking().Select(p => new { p.Id, S = EF.Property<string?>(p, StripeLedger.PriceIdColumn) }).ToListAsync(ct))
            .Where(p => p.S != null).ToDictionary(p => p.S!, p => p.Id, StringComparer.Ordinal);
        foreach (var m in await db.StripePriceMappings.ToListAsync(ct))
        {
            m.SubscriptionItems = uses.GetValueOrDefault(m.StripePriceId);
            // The catalog sync made this very price: it maps already, no decision needed.
            if (m.CatalogPriceId is null && !m.LeftOut && synced.TryGetValue(m.StripePriceId, out var own))
                m.CatalogPriceId = own;
            if (m.Decided)
                continue;
            m.ProposedPriceId = catalog
                .Where(p => p.Terms.Amount.Minor == m.UnitAmountMinor && Problem(m, p.Terms) is null)
                .OrderBy(p => p.IsArchived).ThenBy(p => p.Id).Select(p => (Guid?)p.Id).FirstOrDefault();
        }
        await db.SaveChangesAsync(ct);
    }

    // ---- applying ----

    private static IQueryable<StripeImportObject> PendingSubscriptions(AppDbContext db) =>
        db.StripeImportObjects.Where(o => o.Kind == StripeImportKinds.Subscriptions
            && (o.AppliedHash != o.Hash || db.StripeImportObjects.Any(i => i.Kind == StripeImportKinds.Invoices && i.ParentId == o.Id && i.AppliedHash != i.Hash)));

    private sealed class Tally
    {
        public int MembersCreated, MembersMatched, Added, Updated, Skipped, InvoicesAdded, InvoicesUpdated, Payments;
    }

    private async Task<StripeImportResult> ApplyAsync(IProgress<StripeImportProgress>? progress, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var tally = new Tally();
        Dictionary<string, CatalogPrice> prices;
        HashSet<string> leftOut;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var mapped = await db.StripePriceMappings.AsNoTracking().Where(m => m.CatalogPriceId != null && !m.LeftOut)
                .Select(m => new { m.StripePriceId, m.CatalogPriceId }).ToListAsync(ct);
            var byId = await db.Prices.AsNoTracking().ToDictionaryAsync(p => p.Id, ct);
            prices = mapped.Where(m => byId.ContainsKey(m.CatalogPriceId!.Value)).ToDictionary(m => m.StripePriceId, m => byId[m.CatalogPriceId!.Value], StringComparer.Ordinal);
            foreach (var s in await db.Prices.AsNoTracking().Select(p => new { p.Id, S = EF.Property<string?>(p, StripeLedger.PriceIdColumn) }).Where(p => p.S != null).ToListAsync(ct))
                prices.TryAdd(s.S!, byId[s.Id]);
            leftOut = (await db.StripePriceMappings.AsNoTracking().Where(m => m.LeftOut).Select(m => m.StripePriceId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        }

        string? after = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await PendingSubscriptions(db).Where(o => after == null || string.Compare(o.Id, after) > 0)
                .OrderBy(o => o.Id).Take(Math.Max(1, options.Value.BatchSize)).ToListAsync(ct);
            if (batch.Count == 0)
                break;
            after = batch[^1].Id;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await ApplyBatchAsync(db, batch, prices, leftOut, tally, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            progress?.Report(await ProgressAsync(db, "Applying subscriptions", ct));
        }
        logger.LogInformation("Stripe import applied in {Ms} ms: {Added} added, {Updated} updated.", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, tally.Added, tally.Updated);
        var result = new StripeImportResult(StripeImportOutcome.Completed, "", requests, tally.MembersCreated, tally.MembersMatched, tally.Added, tally.Updated,
            tally.Skipped, tally.InvoicesAdded, tally.InvoicesUpdated, tally.Payments, []);
        return result with { Message = result.AddedNothing ? $"Up to date: nothing new or changed at Stripe. {requests} Stripe request(s)." : $"Imported: {result.Summary}" };
    }

    private async Task ApplyBatchAsync(AppDbContext db, List<StripeImportObject> batch, Dictionary<string, CatalogPrice> prices, HashSet<string> leftOut, Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var subIds = batch.Select(b => b.Id).ToList();
        var invoices = (await db.StripeImportObjects.Where(o => o.Kind == StripeImportKinds.Invoices && subIds.Contains(o.ParentId!)).ToListAsync(ct))
            .GroupBy(o => o.ParentId!).ToDictionary(g => g.Key, g => g.OrderBy(i => i.Created).ThenBy(i => i.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var records = await db.SubscriptionRecords.Where(r => r.GatewaySubscriptionId != null && subIds.Contains(r.GatewaySubscriptionId)).ToDictionaryAsync(r => r.GatewaySubscriptionId!, ct);
        var remotes = batch.ToDictionary(b => b.Id, b => (Sub: JsonSerializer.Deserialize(b.Json, StripeWebhookJson.Default.WebhookSubscription)!, Node: JsonNode.Parse(b.Json)!.AsObject()), StringComparer.Ordinal);
        var members = await MembersAsync(db, remotes.Values.Where(r => !records.ContainsKey(r.Sub.Id)).Select(r => r.Sub.CustomerId).OfType<string>().Distinct().ToList(), tally, now, ct);

        foreach (var staged in batch)
        {
            var (remote, node) = remotes[staged.Id];
            var mine = invoices.GetValueOrDefault(staged.Id) ?? [];
            var items = Items(remote.Items?.Data, prices, leftOut);
            records.TryGetValue(staged.Id, out var record);
            if (items is null || (record is null && (remote.CustomerId is null || !members.ContainsKey(remote.CustomerId))))
            {
                // Only left-out prices, or a customer with no email to make a member of: not imported (logged once per change).
                if (staged.AppliedHash != staged.Hash)
                {
                    tally.Skipped++;
                    logger.LogInformation("Stripe subscription {Subscription} not imported: {Why}.", staged.Id,
                        items is null ? "all its prices are left out" : "its customer has no email address");
                }
                MarkApplied(staged, mine);
                continue;
            }

            Subscription local;
            var parsed = mine.Select(i => (Row: i, Invoice: JsonSerializer.Deserialize(i.Json, StripeWebhookJson.Default.WebhookInvoice)!)).ToList();
            if (record is null)
            {
                local = Replay(members[remote.CustomerId!], remote, node, items, parsed.Select(p => p.Invoice).ToList(), prices, leftOut, now);
                record = new SubscriptionRecord { SubscriptionId = local.Id, Gateway = StripePaymentGateway.GatewayName, GatewaySubscriptionId = remote.Id };
                db.Subscriptions.Add(local);
                db.SubscriptionRecords.Add(record);
                tally.Added++;
            }
            else
            {
                // Already in the portal (imported before, or a webhook recorded it): Stripe's current state is taken as a
                // webhook would take it, and only invoices not applied yet are added.
                local = await StripeLedger.LoadSubscriptionAsync(db, record.SubscriptionId, ct);
                var version = local.Version;
                foreach (var (row, invoice) in parsed.Where(p => p.Row.AppliedHash is null && !StripeLedger.IsStale(record, StripeTime.FromUnix(p.Invoice.Created))))
                    ApplyInvoice(local, invoice, prices, leftOut, now);
                reconciler.Apply(local, State(remote, node, items), now);
                if (local.Version != version)
                    tally.Updated++;
            }
            StripeLedger.MarkApplied(record, now);

            foreach (var (row, invoice) in parsed.Where(p => p.Row.AppliedHash != p.Row.Hash))
                await RecordInvoiceAsync(db, local, invoice, row.AppliedHash is null, tally, ct);
            MarkApplied(staged, mine);
        }
    }

    private static void MarkApplied(StripeImportObject subscription, List<StripeImportObject> invoices)
    {
        subscription.AppliedHash = subscription.Hash;
        foreach (var i in invoices)
            i.AppliedHash = i.Hash;
    }

    /// <summary>The catalog items of Stripe's items; null when every item is on a left-out price.</summary>
    private static List<GatewaySubscriptionItem>? Items(IEnumerable<WebhookSubscriptionItem>? stripeItems, Dictionary<string, CatalogPrice> prices, HashSet<string> leftOut)
    {
        var items = new List<GatewaySubscriptionItem>();
        foreach (var item in stripeItems ?? [])
        {
            if (item.Price?.Product == StripePaymentGateway.ShippingProductId || item.Price?.Id is not { } id || leftOut.Contains(id))
                continue;
            if (!prices.TryGetValue(id, out var price))
                throw new InvalidOperationException($"Stripe price {id} is neither mapped nor left out.");
            items.Add(new GatewaySubscriptionItem(price, checked((int)(item.Quantity ?? 1))));
        }
        return items.Count == 0 ? null : items;
    }

    /// <summary>
    /// The subscription rebuilt from Stripe's record at Stripe's times: started with the items of its first invoice (else its
    /// current ones), its trial and its discount; each invoice applied as a payment or a failure; then its current state.
    /// Stripe keeps no history of a subscription's own changes, so a plan or quantity change shows at the invoice that first
    /// billed it, and a cancellation or pause at the time Stripe stamped on the subscription.
    /// </summary>
    private Subscription Replay(string memberId, WebhookSubscription remote, JsonObject node, List<GatewaySubscriptionItem> current,
        List<WebhookInvoice> invoices, Dictionary<string, CatalogPrice> prices, HashSet<string> leftOut, DateTimeOffset now)
    {
        var start = StripeTime.FromUnix(remote.StartDate > 0 ? remote.StartDate : Long(node, "created") ?? now.ToUnixTimeSeconds());
        var first = invoices.Select(i => InvoiceItems(i, prices, leftOut)).FirstOrDefault(i => i is { Count: > 0 }) ?? current;
        var trialEnd = Long(node, "trial_end") is { } te && StripeTime.FromUnix(te) > start ? StripeTime.FromUnix(te) : (DateTimeOffset?)null;
        var newItems = first.Select(i => new NewSubscriptionItem(i.Price, i.Quantity)).ToList();
        var status = remote.Status;
        var confirmed = status is not ("incomplete" or "incomplete_expired");
        var coupon = Discount(node, newItems);
        Subscription local;
        try
        {
            local = Subscription.Adopt(memberId, newItems, start, trialEnd, confirmed, coupon);
        }
        catch (DomainException ex) when (coupon is not null)
        {
            logger.LogWarning("Stripe subscription {Subscription}: its discount could not be applied ({Reason}); imported without it.", remote.Id, ex.Message);
            local = Subscription.Adopt(memberId, newItems, start, trialEnd, confirmed);
        }

        foreach (var invoice in invoices)
            ApplyInvoice(local, invoice, prices, leftOut, now);

        var state = State(remote, node, current);
        var last = local.History[^1].At;
        var canceledAt = StripeTime.FromUnix(Long(node, "canceled_at"));
        var endedAt = StripeTime.FromUnix(Long(node, "ended_at"));
        if (state.Status == SubscriptionStatus.Canceled)
        {
            var end = Later(endedAt ?? canceledAt ?? now, last);
            // Canceled at the period end: first scheduled (when the member asked), then ended.
            if (canceledAt is { } asked && asked < end && asked >= last && !local.CancelAtPeriodEnd
                && local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue && end >= local.CurrentPeriodEnd)
                local.ScheduleCancel(state.CancelReason, asked);
            reconciler.Apply(local, state, end);
        }
        else if (state.Status == SubscriptionStatus.Paused && local.Status == SubscriptionStatus.Trialing && local.TrialEnd is { } trial)
        {
            reconciler.Apply(local, state, Later(trial, last));
        }
        else
        {
            // A scheduled cancellation is dated when the member asked; the rest of the current state now.
            if (state.CancelAtPeriodEnd && canceledAt is { } asked && asked >= last && asked < now && !local.CancelAtPeriodEnd
                && local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue)
                local.ScheduleCancel(state.CancelReason, asked);
            reconciler.Apply(local, state, Later(now, local.History[^1].At));
        }
        return local;
    }

    /// <summary>One invoice of the subscription's history, as the invoice webhooks apply it, at the invoice's own times.</summary>
    private void ApplyInvoice(Subscription local, WebhookInvoice invoice, Dictionary<string, CatalogPrice> prices, HashSet<string> leftOut, DateTimeOffset now)
    {
        var created = Later(StripeTime.FromUnix(invoice.Created), local.History[^1].At);
        if (invoice.Status == "paid" && invoice.AmountPaid > 0)
        {
            // Attempts before the one that paid: the subscription was past due between the invoice and its payment.
            if (invoice.AttemptCount > 1)
                InvoiceEventHandler.RecordFailed(local, invoice with { AttemptCount = 1 }, created);
            var paidAt = Later(StripeTime.FromUnix(invoice.StatusTransitions?.PaidAt) ?? created, local.History[^1].At);
            if (paidAt > now)
                return;
            var items = InvoiceItems(invoice, prices, leftOut);
            var ends = (invoice.Lines?.Data ?? []).Where(l => l.Parent?.SubscriptionItemDetails is { Proration: false } && l.Period is not null).Select(l => l.Period!.End).ToList();
            if (items is { Count: > 0 } && local.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid or SubscriptionStatus.Incomplete)
                reconciler.Apply(local, new GatewaySubscriptionState(SubscriptionStatus.Active, "active (paid invoice)", items,
                    ends.Count > 0 ? StripeTime.FromUnix(ends.Max()) : null, local.CancelAtPeriodEnd, local.CancelReason, null), paidAt);
            else
                InvoiceEventHandler.RecordPaid(local, invoice, paidAt);
        }
        else if (invoice.Status is "open" or "uncollectible" && invoice.AttemptCount > 0 && created <= now)
        {
            InvoiceEventHandler.RecordFailed(local, invoice, created);
        }
    }

    /// <summary>The items an invoice billed (its non-proration subscription lines); null when a line's price is unknown.</summary>
    private static List<GatewaySubscriptionItem>? InvoiceItems(WebhookInvoice invoice, Dictionary<string, CatalogPrice> prices, HashSet<string> leftOut)
    {
        var items = new List<GatewaySubscriptionItem>();
        foreach (var line in invoice.Lines?.Data ?? [])
        {
            if (line.Parent?.SubscriptionItemDetails is not { Proration: false } || line.Pricing?.PriceDetails?.Price is not { } id || leftOut.Contains(id))
                continue;
            if (!prices.TryGetValue(id, out var price))
                return null;
            if (items.Any(i => i.Price.Id == price.Id))
                continue;
            items.Add(new GatewaySubscriptionItem(price, (int)Math.Clamp(line.Quantity ?? 1, 1, int.MaxValue)));
        }
        return items;
    }

    /// <summary>Stripe's current state in catalog terms (the same reading as the subscription webhook's).</summary>
    private static GatewaySubscriptionState State(WebhookSubscription remote, JsonObject node, List<GatewaySubscriptionItem> items)
    {
        var status = SubscriptionStatusNames.FromStripeName(remote.Status);
        var collectionPaused = status == SubscriptionStatus.Active && remote.PauseCollection is not null;
        var ends = (remote.Items?.Data ?? []).Where(i => i.Price?.Product != StripePaymentGateway.ShippingProductId).Select(i => i.CurrentPeriodEnd).ToList();
        var details = remote.CancellationDetails;
        var reason = details?.Comment ?? details?.Feedback ?? details?.Reason;
        return new GatewaySubscriptionState(
            collectionPaused ? SubscriptionStatus.Paused : status,
            collectionPaused ? $"{remote.Status} (collection paused)" : remote.Status ?? "(none)",
            items,
            ends.Count > 0 ? StripeTime.FromUnix(ends.Max()) : null,
            remote.CancelAtPeriodEnd || remote.CancelAt is not null,
            string.IsNullOrWhiteSpace(reason) ? null : Truncate(reason, 200),
            StripeTime.FromUnix(remote.PauseCollection?.ResumesAt));
    }

    /// <summary>
    /// The subscription's Stripe discount as a coupon the items copy (not a catalog coupon: nobody can redeem it here).
    /// Only the first discount is kept; a coupon restricted to products applies to the catalog products those map to.
    /// </summary>
    private static Coupon? Discount(JsonObject node, List<NewSubscriptionItem> items)
    {
        var discount = (node["discounts"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault() ?? node["discount"] as JsonObject;
        if ((discount?["source"]?["coupon"] ?? discount?["coupon"]) is not JsonObject coupon)
            return null;
        var code = Truncate(Text(coupon, "name") is { Length: > 0 } name ? name : Text(coupon, "id") ?? "STRIPE", 40);
        var duration = Text(coupon, "duration") switch
        {
            "once" => CouponDuration.Once,
            "repeating" => CouponDuration.Repeating,
            _ => CouponDuration.Forever,
        };
        var months = duration == CouponDuration.Repeating && coupon["duration_in_months"] is JsonValue m ? (int?)m.GetValue<long>() : null;
        try
        {
            CouponTerms terms;
            if (coupon["percent_off"] is JsonValue percent)
                terms = CouponTerms.Percent(code, percent.GetValue<decimal>(), duration, months);
            else if (coupon["amount_off"] is JsonValue amount && Text(coupon, "currency") is { } currency)
                terms = CouponTerms.Amount(code, new Money(amount.GetValue<long>(), currency.ToUpperInvariant()), duration, months);
            else
                return null;
            return Coupon.Create(terms);
        }
        catch (DomainException)
        {
            return null;
        }
    }

    /// <summary>Members for these Stripe customers: imported before, linked by billing profile, matched by email, or created now.</summary>
    private async Task<Dictionary<string, string>> MembersAsync(AppDbContext db, List<string> customerIds, Tally tally, DateTimeOffset now, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (customerIds.Count == 0)
            return result;
        foreach (var c in await db.StripeImportedCustomers.AsNoTracking().Where(c => customerIds.Contains(c.CustomerId)).ToListAsync(ct))
            result[c.CustomerId] = c.MemberId;
        foreach (var p in await db.BillingProfiles.AsNoTracking().Where(p => p.CustomerId != null && customerIds.Contains(p.CustomerId)).ToListAsync(ct))
            result.TryAdd(p.CustomerId!, p.MemberId);
        var missing = customerIds.Where(id => !result.ContainsKey(id)).ToList();
        if (missing.Count == 0)
            return result;

        var customers = (await db.StripeImportObjects.AsNoTracking().Where(o => o.Kind == StripeImportKinds.Customers && missing.Contains(o.Id)).ToListAsync(ct))
            .Select(o => JsonNode.Parse(o.Json)!).Where(n => Text(n, "email") is { Length: > 0 }).ToList();
        var emails = customers.Select(n => normalizer.NormalizeEmail(Text(n, "email")!.Trim())).Distinct().ToList();
        var byEmail = (await db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail!)).Select(u => new { u.Id, u.NormalizedEmail }).ToListAsync(ct))
            .GroupBy(u => u.NormalizedEmail!).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        var profiles = (await db.BillingProfiles.Where(p => byEmail.Values.Contains(p.MemberId)).ToListAsync(ct)).ToDictionary(p => p.MemberId);
        foreach (var n in customers)
        {
            var id = Text(n, "id")!;
            var email = Text(n, "email")!.Trim();
            var normalized = normalizer.NormalizeEmail(email);
            if (byEmail.TryGetValue(normalized, out var memberId))
            {
                tally.MembersMatched++;
            }
            else
            {
                var (firstName, lastName) = Split(Text(n, "name"));
                var user = new ApplicationUser
                {
                    UserName = email,
                    NormalizedUserName = normalizer.NormalizeName(email),
                    Email = email,
                    NormalizedEmail = normalized,
                    // Stripe has billed this address; the member proves it is theirs when they claim the account (a set-password link).
                    EmailConfirmed = true,
                    LockoutEnabled = true,
                    FirstName = firstName,
                    LastName = lastName,
                    CreatedAt = n["created"] is JsonValue created && created.GetValue<long>() > 0 ? StripeTime.FromUnix(created.GetValue<long>()) : now,
                    SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
                    ConcurrencyStamp = Guid.NewGuid().ToString(),
                };
                db.Users.Add(user);
                byEmail[normalized] = memberId = user.Id;
                tally.MembersCreated++;
            }
            result[id] = memberId;
            db.StripeImportedCustomers.Add(new StripeImportedCustomer { CustomerId = id, MemberId = memberId, ImportedAt = now });
            // The customer link is what webhooks recognise a member by.
            if (profiles.TryGetValue(memberId, out var profile))
            {
                if (profile.CustomerId is null)
                    (profile.CustomerId, profile.Gateway, profile.UpdatedAt) = (id, StripePaymentGateway.GatewayName, now);
            }
            else
            {
                profiles[memberId] = profile = new BillingProfile { MemberId = memberId, Gateway = StripePaymentGateway.GatewayName, CustomerId = id, UpdatedAt = now };
                db.BillingProfiles.Add(profile);
            }
        }
        return result;
    }

    /// <summary>The invoice through the webhook's own upsert; a new one gets its payment rows (paid, and failed attempts).</summary>
    private static async Task RecordInvoiceAsync(AppDbContext db, Subscription local, WebhookInvoice remote, bool firstTime, Tally tally, CancellationToken ct)
    {
        var paid = remote.Status == "paid";
        var existed = await StripeLedger.FindInvoiceAsync(db, remote.Id, ct) is not null;
        var (invoice, _) = await InvoiceEventHandler.UpsertInvoiceAsync(db, remote, local.MemberId, local.Id, paid, ct);
        if (existed)
        {
            tally.InvoicesUpdated += firstTime ? 0 : 1;
            if (!paid || await db.Payments.AnyAsync(p => p.InvoiceId == invoice.Id && p.Outcome == PaymentOutcome.Succeeded, ct))
                return;
        }
        else
        {
            tally.InvoicesAdded++;
            if (remote.AttemptCount > (paid ? 1 : 0))
            {
                db.Payments.Add(new Payment
                {
                    InvoiceId = invoice.Id,
                    MemberId = local.MemberId,
                    AmountMinor = remote.AmountPaid > 0 ? remote.AmountPaid : remote.AmountRemaining,
                    Currency = invoice.Currency,
                    Outcome = PaymentOutcome.Failed,
                    At = StripeTime.FromUnix(remote.Created),
                    FailureMessage = $"{remote.AttemptCount - (paid ? 1 : 0)} payment attempt(s) failed (imported from Stripe).",
                });
                tally.Payments++;
            }
        }
        if (paid && remote.AmountPaid > 0)
        {
            db.Payments.Add(new Payment
            {
                InvoiceId = invoice.Id,
                MemberId = local.MemberId,
                AmountMinor = remote.AmountPaid,
                Currency = invoice.Currency,
                Outcome = PaymentOutcome.Succeeded,
                At = invoice.PaidAt ?? StripeTime.FromUnix(remote.Created),
                GatewayPaymentId = InvoiceEventHandler.GatewayPaymentId(remote),
            });
            tally.Payments++;
        }
    }

    // ---- helpers ----

    /// <summary>A settings row written in the caller's transaction (with the page it belongs to), dated by the portal's clock.</summary>
    private async Task SetAsync(AppDbContext db, string key, string value, CancellationToken ct)
    {
        var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, ct);
        var now = clock.GetUtcNow();
        if (setting is null)
            db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = now });
        else
            (setting.Value, setting.UpdatedAt) = (value, now);
    }

    private static (string? First, string? Last) Split(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return (null, null);
        var parts = name.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        return (Truncate(parts[0], 100), parts.Length > 1 ? Truncate(parts[1], 100) : null);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static string? Text(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Long(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    private static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
