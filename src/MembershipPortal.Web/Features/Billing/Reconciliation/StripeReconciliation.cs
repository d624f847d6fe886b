using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.Reconciliation;

/// <summary>One field on which the portal and Stripe disagree. <paramref name="Fixable"/>: taking Stripe's version changes it.</summary>
public sealed record FieldDifference(string Field, string Portal, string Stripe, bool Fixable = true);

public sealed record SubscriptionDifference(Guid SubscriptionId, string MemberId, string? MemberEmail, string GatewaySubscriptionId, IReadOnlyList<FieldDifference> Fields);

/// <summary>What the replay of Stripe's event list found: events read, applied now, already processed, ignored (not ours) and failed.</summary>
public sealed record ReplayReport(int Read, int Applied, int AlreadyProcessed, int Ignored, int Failed, DateTimeOffset From);

/// <summary>
/// A reconciliation run: the subscriptions compared, those that differ, and MRR per currency (minor units) as the portal
/// counts it and as Stripe's subscriptions give it, for the same subscriptions.
/// </summary>
/// <param name="DifferenceCount">Subscriptions that differ; a kept report may list fewer (<see cref="Differences"/>) to fit its setting.</param>
public sealed record ReconciliationReport(
    DateTimeOffset At, int Compared, int DifferenceCount, IReadOnlyList<SubscriptionDifference> Differences,
    IReadOnlyDictionary<string, long> PortalMrr, IReadOnlyDictionary<string, long> StripeMrr, ReplayReport? Replay)
{
    /// <summary>Every subscription agrees and so does MRR in every currency.</summary>
    public bool Agrees => DifferenceCount == 0 && PortalMrr.Keys.Union(StripeMrr.Keys).All(c => PortalMrr.GetValueOrDefault(c) == StripeMrr.GetValueOrDefault(c));
}

/// <summary>
/// Proves the portal agrees with Stripe, the billing engine. First the missed webhooks heal themselves: Stripe's events
/// since the last run (or the last one delivered) are read from its API and each one the portal has not processed goes
/// through the webhook processor, so nothing is applied twice. Then every subscription the portal holds is compared with
/// Stripe's (status, items and quantities, prices, discount, period end, cancel-at-period-end) and MRR with MRR computed
/// from Stripe's subscriptions. "Take Stripe's version" reads the subscription now and applies it as a webhook would.
/// Runs nightly (<see cref="StripeReconciliationJob"/>) and on demand on /admin/settings/stripe (Owner).
/// </summary>
public sealed class StripeReconciliation(
    IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, IServiceProvider services, StripeWebhookProcessor processor,
    AuditLog audit, TimeProvider clock, ILogger<StripeReconciliation> logger)
{
    /// <summary>Settings key: created time (Unix seconds) of the newest Stripe event the last replay read.</summary>
    public const string WatermarkKey = "stripe:events-replayed-through";

    /// <summary>Settings key: the last run's report as JSON, for the page and the dashboard.</summary>
    public const string LastReportKey = "stripe:reconciliation-last";

    /// <summary>Events a replay with no watermark reads back to: Stripe keeps events for 30 days.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    /// <summary>Events are read from a little before the watermark, for events Stripe created late within a second or a retry.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    private const string SyntheticEventPrefix = "evt_portal_reconcile_";

    public bool Available => gateway.UsesHostedPages;

    private StripePaymentGateway Stripe => services.GetRequiredService<StripePaymentGateway>();

    /// <summary>The nightly job and the page's "Run now": replay missed events, then compare; the report is kept.</summary>
    public async Task<ReconciliationReport?> RunAsync(CancellationToken ct = default)
    {
        if (!Available)
            return null;
        var replay = await ReplayMissedEventsAsync(ct);
        var report = await CompareAsync(ct) with { Replay = replay };
        await SaveReportAsync(report, ct);
        logger.LogInformation("Stripe reconciliation: {Compared} compared, {Differences} differ, replay {Replay}.", report.Compared, report.Differences.Count, replay);
        return report;
    }

    /// <summary>The Owner's "Run now"; null when <paramref name="actor"/> is not the Owner or the portal does not bill with Stripe.</summary>
    public async Task<ReconciliationReport?> RunAsync(AuditActor actor, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.reconcile", ct) is not { } owner)
            return null;
        var report = await RunAsync(ct);
        if (report is not null)
            await audit.RecordAsync(owner, "stripe.reconcile", $"Reconciled with Stripe: {report.Compared} compared, {report.Differences.Count} differ", "stripe", "reconciliation", ct: ct);
        return report;
    }

    public async Task<ReconciliationReport?> LastReportAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = await db.Settings.AsNoTracking().Where(s => s.Key == LastReportKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        return json is null ? null : JsonSerializer.Deserialize<ReconciliationReport>(json);
    }

    /// <summary>
    /// Reads Stripe's events of the types the portal handles, from the watermark (less <see cref="Overlap"/>; with none, from
    /// the last event processed, else <see cref="EventRetention"/> back), oldest first, and puts each one not processed yet
    /// through the webhook processor. The watermark moves to the newest event read, or just before the oldest that failed.
    /// </summary>
    public async Task<ReplayReport> ReplayMissedEventsAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset from;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var watermark = await db.Settings.AsNoTracking().Where(s => s.Key == WatermarkKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
            if (long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                from = DateTimeOffset.FromUnixTimeSeconds(seconds) - Overlap;
            else
            {
                var newest = await db.ProcessedWebhookEvents.Where(e => !e.EventId.StartsWith(SyntheticEventPrefix))
                    .OrderByDescending(e => e.ReceivedAt).Select(e => (DateTimeOffset?)e.ReceivedAt).FirstOrDefaultAsync(ct);
                from = newest is { } last ? last - Overlap : now - EventRetention;
            }
        }
        if (from < now - EventRetention)
            from = now - EventRetention;

        var query = new List<KeyValuePair<string, string>> { new("limit", "100"), new("created[gte]", from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) };
        var types = processor.HandledTypes.Order(StringComparer.Ordinal).ToList();
        if (types.Count <= 20) // Stripe's limit for types[]; more would mean reading every type
            query.AddRange(types.Select((t, i) => new KeyValuePair<string, string>($"types[{i}]", t)));

        var events = new List<(string Id, long Created, string Json)>();
        string? after = null;
        do
        {
            var page = await Stripe.ListRawAsync("/v1/events", after is null ? query : [.. query, new("starting_after", after)], ct);
            foreach (var json in page.Data)
            {
                using var document = JsonDocument.Parse(json);
                events.Add((document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("created").GetInt64(), json));
            }
            after = page.HasMore && page.Data.Count > 0 ? events[^1].Id : null;
        }
        while (after is not null);
        events.Reverse(); // Stripe lists newest first; apply in the order Stripe created them

        HashSet<string> processed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = events.Select(e => e.Id).ToList();
            processed = [.. await db.ProcessedWebhookEvents.Where(e => ids.Contains(e.EventId)).Select(e => e.EventId).ToListAsync(ct)];
        }
        int applied = 0, duplicate = 0, ignored = 0, failed = 0;
        long? firstFailure = null;
        foreach (var (id, created, json) in events)
        {
            if (processed.Contains(id))
            { duplicate++; continue; }
            var result = await processor.ReplayAsync(json, ct);
            switch (result.Outcome)
            {
                case WebhookOutcome.Processed:
                    applied++;
                    break;
                case WebhookOutcome.Duplicate:
                    duplicate++;
                    break;
                case WebhookOutcome.Ignored:
                    ignored++;
                    break;
                default:
                    failed++;
                    firstFailure ??= created;
                    logger.LogWarning("Replay of Stripe event {EventId} did not apply: {Detail}", id, result.Detail);
                    break;
            }
        }
        var through = firstFailure is { } f ? f - 1 : events.Count > 0 ? events.Max(e => e.Created) : (long?)null;
        if (through is { } mark)
            await SetSettingAsync(WatermarkKey, mark.ToString(CultureInfo.InvariantCulture), ct);
        return new ReplayReport(events.Count, applied, duplicate, ignored, failed, from);
    }

    /// <summary>Compares every Stripe-billed subscription of the portal with Stripe's, and MRR on both sides.</summary>
    public async Task<ReconciliationReport> CompareAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var records = await db.SubscriptionRecords.AsNoTracking()
            .Where(r => r.Gateway == "Stripe" && r.GatewaySubscriptionId != null).ToListAsync(ct);
        var ids = records.Select(r => r.SubscriptionId).ToList();
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var priceIds = await db.Prices.AsNoTracking()
            .Select(p => new { p.Id, StripeId = EF.Property<string?>(p, StripeCatalogSync.PriceIdColumn) })
            .Where(p => p.StripeId != null).ToDictionaryAsync(p => p.Id, p => p.StripeId!, ct);
        var memberIds = subscriptions.Values.Select(s => s.MemberId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);

        var remote = await StripeSubscriptionsAsync(ct);
        var differences = new List<SubscriptionDifference>();
        var portalMrr = new Dictionary<string, long>(StringComparer.Ordinal);
        var stripeMrr = new Dictionary<string, long>(StringComparer.Ordinal);
        var compared = 0;
        foreach (var record in records)
        {
            if (!subscriptions.TryGetValue(record.SubscriptionId, out var local))
                continue;
            compared++;
            var gid = record.GatewaySubscriptionId!;
            if (!remote.TryGetValue(gid, out var theirs) && await Stripe.GetRawAsync($"/v1/subscriptions/{gid}?expand[]=discounts.source.coupon", ct) is { } single)
                theirs = remote[gid] = JsonNode.Parse(single)!.AsObject();
            var fields = Compare(local, theirs, priceIds, now);
            if (fields.Count > 0)
                differences.Add(new SubscriptionDifference(local.Id, local.MemberId, emails.GetValueOrDefault(local.MemberId), gid, fields));
            Add(portalMrr, local.Currency.ToUpperInvariant(), local.MonthlyRecurringMinor());
            if (theirs is not null)
                Add(stripeMrr, (theirs["currency"]?.GetValue<string>() ?? local.Currency).ToUpperInvariant(), StripeMrrMinor(theirs, now) + LeavingAtPeriodEndMinor(local, theirs, priceIds, now));
        }
        return new ReconciliationReport(now, compared, differences.Count, differences, portalMrr, stripeMrr, null);

        static void Add(Dictionary<string, long> totals, string currency, long amount) =>
            totals[currency] = totals.GetValueOrDefault(currency) + amount;
    }

    /// <summary>Every subscription at Stripe (all statuses), by id, each with its discounts and their coupons expanded.</summary>
    private async Task<Dictionary<string, JsonObject>> StripeSubscriptionsAsync(CancellationToken ct)
    {
        var all = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        KeyValuePair<string, string>[] query = [new("limit", "100"), new("status", "all"), new("expand[0]", "data.discounts.source.coupon")];
        string? after = null;
        do
        {
            var page = await Stripe.ListRawAsync("/v1/subscriptions", after is null ? query : [.. query, new("starting_after", after)], ct);
            foreach (var json in page.Data)
            {
                var sub = JsonNode.Parse(json)!.AsObject();
                all[sub["id"]!.GetValue<string>()] = sub;
                after = sub["id"]!.GetValue<string>();
            }
            if (!page.HasMore || page.Data.Count == 0)
                after = null;
        }
        while (after is not null);
        return all;
    }

    /// <summary>The differences between the portal's subscription and Stripe's (null: Stripe has no such subscription).</summary>
    public static IReadOnlyList<FieldDifference> Compare(Subscription local, JsonObject? remote, IReadOnlyDictionary<Guid, string> stripePriceIds, DateTimeOffset now)
    {
        if (remote is null)
            return [new FieldDifference("Subscription", Describe(local.Status), "missing at Stripe", Fixable: false)];
        var differences = new List<FieldDifference>();
        var stripeStatus = Text(remote, "status");
        var paused = stripeStatus == "active" && remote["pause_collection"] is JsonObject;
        var theirStatus = paused ? SubscriptionStatus.Paused : SubscriptionStatusNames.FromStripeName(stripeStatus);
        if (theirStatus != local.Status)
            differences.Add(new FieldDifference("Status", Describe(local.Status), paused ? "active, collection paused" : stripeStatus ?? "(none)"));
        if (local.Status == SubscriptionStatus.Canceled && theirStatus == SubscriptionStatus.Canceled)
            return differences;

        var theirItems = CatalogItems(remote).Select(i => $"{Text(i["price"], "id")} × {i["quantity"]?.GetValue<long>() ?? 1}").Order(StringComparer.Ordinal).ToList();
        // A kit set to leave at the period end is deleted at Stripe at once but stays here, paid and shipped, until that end.
        var theirPrices = CatalogItems(remote).Select(i => Text(i["price"], "id")).ToHashSet(StringComparer.Ordinal);
        var ourItems = local.Items.Where(i => !(i.EndsAtPeriodEnd && now < local.CurrentPeriodEnd && !theirPrices.Contains(stripePriceIds.GetValueOrDefault(i.PriceId))))
            .Select(i => $"{stripePriceIds.GetValueOrDefault(i.PriceId) ?? "(price not synced)"} × {i.Quantity}").Order(StringComparer.Ordinal).ToList();
        if (!theirItems.SequenceEqual(ourItems))
            differences.Add(new FieldDifference("Items", string.Join(", ", ourItems), string.Join(", ", theirItems)));

        if (PeriodEnd(remote) is { } end && end.ToUnixTimeSeconds() != local.CurrentPeriodEnd.ToUnixTimeSeconds())
            differences.Add(new FieldDifference("Period end", Day(local.CurrentPeriodEnd), Day(end)));

        var theirCancel = remote["cancel_at_period_end"]?.GetValue<bool>() == true || remote["cancel_at"] is JsonValue;
        if (theirCancel != local.CancelAtPeriodEnd)
            differences.Add(new FieldDifference("Cancel at period end", YesNo(local.CancelAtPeriodEnd), YesNo(theirCancel)));

        var theirDiscounts = RecurringCoupons(remote, now).Select(c => c.Describe).Order(StringComparer.Ordinal).ToList();
        var ourDiscounts = local.Items.Where(i => i.Coupon is { Duration: not CouponDuration.Once } c && c.AppliesToPeriodStarting(local.CurrentPeriodStart, local.StartedAt))
            .Select(i => Describe(i.Coupon!)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (!theirDiscounts.SequenceEqual(ourDiscounts))
            // The ledger takes discounts from the portal's own checkout only; Stripe's invoices are what the member pays.
            differences.Add(new FieldDifference("Discount", ourDiscounts.Count == 0 ? "none" : string.Join(", ", ourDiscounts),
                theirDiscounts.Count == 0 ? "none" : string.Join(", ", theirDiscounts), Fixable: false));
        return differences;
    }

    /// <summary>
    /// MRR of a Stripe subscription the portal's way (<see cref="Subscription.MonthlyRecurringMinor"/>): active or past
    /// due, collection not paused, catalog items at their monthly equivalent, less recurring discounts still running.
    /// </summary>
    public static long StripeMrrMinor(JsonObject remote, DateTimeOffset now)
    {
        if (Text(remote, "status") is not ("active" or "past_due") || remote["pause_collection"] is JsonObject)
            return 0;
        var coupons = RecurringCoupons(remote, now).ToList();
        var total = 0m;
        foreach (var item in CatalogItems(remote))
        {
            var price = item["price"]!;
            var gross = (price["unit_amount"]?.GetValue<long>() ?? 0) * (item["quantity"]?.GetValue<long>() ?? 1);
            var net = (decimal)gross;
            foreach (var coupon in coupons.Where(c => c.Products is null || c.Products.Contains(Text(price, "product") ?? "")))
                net -= coupon.PercentOff is { } percent ? decimal.Round(gross * percent / 100m, 0, MidpointRounding.AwayFromZero) : Math.Min(net, coupon.AmountOff ?? 0);
            var count = price["recurring"]?["interval_count"]?.GetValue<long>() ?? 1;
            total += Math.Max(0, net) * (Text(price["recurring"], "interval") switch
            {
                "year" => 1m / (12 * count),
                "week" => 52m / (12 * count),
                "day" => 365m / (12 * count),
                _ => 1m / count,
            });
        }
        return (long)decimal.Round(total, 0, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// A kit the member set to leave at the period end is deleted at Stripe at once (no proration: the period is paid) but
    /// counts in the portal's MRR until that end, as on the test gateway (contraction when it takes effect). Stripe's figure
    /// counts it as well until then, so the two agree.
    /// </summary>
    private static long LeavingAtPeriodEndMinor(Subscription local, JsonObject remote, IReadOnlyDictionary<Guid, string> stripePriceIds, DateTimeOffset now)
    {
        if (now >= local.CurrentPeriodEnd || Text(remote, "status") is not ("active" or "past_due") || remote["pause_collection"] is JsonObject)
            return 0;
        var theirPrices = CatalogItems(remote).Select(i => Text(i["price"], "id")).ToHashSet(StringComparer.Ordinal);
        var leaving = local.Items.Where(i => i.EndsAtPeriodEnd && !theirPrices.Contains(stripePriceIds.GetValueOrDefault(i.PriceId)));
        return (long)decimal.Round(leaving.Sum(i => i.MonthlyRecurring(local.CurrentPeriodStart, local.StartedAt)), 0, MidpointRounding.AwayFromZero);
    }

    private sealed record StripeCoupon(decimal? PercentOff, long? AmountOff, string? Currency, HashSet<string>? Products)
    {
        public string Describe => PercentOff is { } p ? $"{p.ToString("0.##", CultureInfo.InvariantCulture)}% off" : $"{AmountOff} {Currency?.ToUpperInvariant()} off";
    }

    /// <summary>The subscription's discounts that recur (forever, or repeating and not ended), with their coupons' terms.</summary>
    private static IEnumerable<StripeCoupon> RecurringCoupons(JsonObject remote, DateTimeOffset now)
    {
        foreach (var discount in (remote["discounts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (discount["end"] is JsonValue end && end.GetValue<long>() <= now.ToUnixTimeSeconds())
                continue;
            if (discount["source"]?["coupon"] is not JsonObject coupon || Text(coupon, "duration") == "once")
                continue;
            var products = coupon["applies_to"]?["products"] is JsonArray list ? list.Select(p => p!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : null;
            yield return new StripeCoupon(coupon["percent_off"] is JsonValue p ? p.GetValue<decimal>() : null,
                coupon["amount_off"] is JsonValue a ? a.GetValue<long>() : null, Text(coupon, "currency"), products);
        }
    }

    /// <summary>Stripe's items less the shipping line the portal's checkout adds (billed by Stripe, no catalog item).</summary>
    private static IEnumerable<JsonObject> CatalogItems(JsonObject remote) =>
        (remote["items"]?["data"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(i => Text(i["price"], "product") != StripePaymentGateway.ShippingProductId);

    private static DateTimeOffset? PeriodEnd(JsonObject remote)
    {
        var ends = CatalogItems(remote).Select(i => i["current_period_end"]?.GetValue<long>()).OfType<long>().ToList();
        return ends.Count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(ends.Max());
    }

    private static string? Text(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Describe(SubscriptionStatus status) => status.ToStripeName();

    private static string Describe(CouponTerms coupon) =>
        coupon.PercentOff is { } p ? $"{p.ToString("0.##", CultureInfo.InvariantCulture)}% off" : $"{coupon.AmountOff?.Minor} {coupon.AmountOff?.Currency} off";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>
    /// "Take Stripe's version": reads the subscription from Stripe now and applies it through the webhook processor as a
    /// subscription event created now, so the same handler, domain moves and history apply as for a delivered webhook.
    /// Owner only. Returns what happened, for the page.
    /// </summary>
    public async Task<(bool Succeeded, string Message)> TakeStripesVersionAsync(AuditActor actor, Guid subscriptionId, CancellationToken ct = default)
    {
        if (await OwnerAsync(actor, "stripe.reconcile.take-stripe", ct) is not { } owner)
            return (false, "Only the Owner can change subscriptions from Stripe's records.");
        if (!Available)
            return (false, "The portal does not bill with Stripe.");
        string? gid;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            gid = await db.SubscriptionRecords.Where(r => r.SubscriptionId == subscriptionId && r.Gateway == "Stripe")
                .Select(r => r.GatewaySubscriptionId).FirstOrDefaultAsync(ct);
        if (gid is null)
            return (false, "This subscription is not billed by Stripe.");
        string? json;
        try
        {
            json = await Stripe.GetRawAsync($"/v1/subscriptions/{gid}", ct);
        }
        catch (PaymentGatewayException ex)
        {
            return (false, $"Stripe could not be read: {ex.Message}");
        }
        if (json is null)
            return (false, $"Stripe has no subscription {gid}; there is no version to take.");

        var now = clock.GetUtcNow();
        var sub = JsonNode.Parse(json)!;
        var type = Text(sub, "status") is "canceled" or "incomplete_expired" ? "customer.subscription.deleted" : "customer.subscription.updated";
        var envelope = new JsonObject
        {
            ["id"] = $"{SyntheticEventPrefix}{gid}_{now.ToUnixTimeSeconds()}",
            ["object"] = "event",
            ["api_version"] = global::Stripe.StripeConfiguration.ApiVersion,
            ["created"] = now.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = sub },
            ["livemode"] = false,
            ["type"] = type,
        };
        var result = await processor.ReplayAsync(envelope.ToJsonString(), ct);
        var ok = result.Outcome is WebhookOutcome.Processed or WebhookOutcome.Duplicate;
        await audit.RecordAsync(owner, "stripe.reconcile.take-stripe", $"Took Stripe's version of subscription {gid}: {result.Detail}", "subscription", subscriptionId.ToString(), ct: ct);
        return ok ? (true, "The subscription now follows Stripe's version.") : (false, $"Stripe's version could not be applied: {result.Detail}");
    }

    /// <summary>Kept in a setting (4000 characters at most): the summary always, as many differences as fit.</summary>
    /// <summary>The actor as the database knows them now, when that is the Owner (checked when the action runs); else null.</summary>
    private async Task<AuditActor?> OwnerAsync(AuditActor actor, string action, CancellationToken ct)
    {
        if (actor.Role != PortalRoles.Owner)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            var current = await AdminAccess.CheckAsync(db, actor, action, null, ct);
            return current.Role == PortalRoles.Owner ? current : null;
        }
        catch (ActionRefusedException)
        {
            return null;
        }
    }

    private async Task SaveReportAsync(ReconciliationReport report, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(report);
        for (var kept = report.Differences.Count; json.Length > 4000 && kept > 0; kept /= 2)
            json = JsonSerializer.Serialize(report with { Differences = [.. report.Differences.Take(kept / 2)] });
        await SetSettingAsync(LastReportKey, json, ct);
    }

    private async Task SetSettingAsync(string key, string value, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, ct);
        if (setting is null)
            db.Settings.Add(new PortalSetting { Key = key, Value = value, UpdatedAt = clock.GetUtcNow() });
        else
        {
            setting.Value = value;
            setting.UpdatedAt = clock.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
    }
}
