using System.Globalization;
using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Metrics.Import;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>
/// A realistic, reproducible history in the METRICS.md §5 format: members arriving over the months with a growing trend,
/// trials that mostly convert, upgrades and downgrades, add-ons bought with the plan or later, box quantities, failed
/// payments that mostly recover, pauses, cancellations and some returns. Used by seed-demo and the benchmark.
/// </summary>
public static class DemoHistory
{
    public sealed record Plan(string Product, string Code, long Amount, BillingInterval Interval, int Count = 1);

    public static readonly Plan[] Memberships =
    [
        new("basic", "basic-monthly", 1500, BillingInterval.Month), new("basic", "basic-yearly", 15000, BillingInterval.Year),
        new("pro", "pro-monthly", 3500, BillingInterval.Month), new("pro", "pro-yearly", 35000, BillingInterval.Year),
        new("vip", "vip-monthly", 7900, BillingInterval.Month), new("vip", "vip-yearly", 79000, BillingInterval.Year),
    ];

    public static readonly Plan Course = new("masterclass", "masterclass-monthly", 4900, BillingInterval.Month);
    public static readonly Plan BoxMonthly = new("tea-box", "tea-box-monthly", 2900, BillingInterval.Month);
    public static readonly Plan BoxQuarterly = new("tea-box", "tea-box-quarterly", 7800, BillingInterval.Month, 3);
    public static readonly Plan Kit = new("craft-kit", "craft-kit-monthly", 1200, BillingInterval.Month);
    public static readonly Plan Tasting = new("tasting-notes", "tasting-notes-monthly", 500, BillingInterval.Month);

    private static readonly string[] First = ["ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "ken", "margaret", "linus", "radia", "tim", "hedy", "john", "katherine", "dennis"];
    private static readonly string[] Last = ["lovelace", "hopper", "turing", "dijkstra", "liskov", "knuth", "allen", "thompson", "hamilton", "torvalds", "perlman", "berners-lee", "lamarr", "backus", "johnson", "ritchie"];

    public static string Generate(int customers, int months, DateTimeOffset now, int seed = 42)
    {
        var random = new Random(seed);
        var rows = new List<(DateTimeOffset At, string Line)>();
        var start = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-(months - 1));
        var span = (now - start).TotalDays;
        for (var c = 0; c < customers; c++)
        {
            // Arrivals grow over time: the density of signup dates rises towards now.
            var signup = start.AddDays(Math.Sqrt(random.NextDouble()) * span * 0.98).AddMinutes(random.Next(1440));
            new Customer(random, c, signup, now, rows).Live();
        }
        var csv = new StringBuilder(HistoryCsv.Header).Append('\n');
        foreach (var (_, line) in rows.OrderBy(r => r.At.UtcTicks))
            csv.Append(line).Append('\n');
        return csv.ToString();
    }

    private sealed class Customer(Random random, int index, DateTimeOffset signup, DateTimeOffset now, List<(DateTimeOffset, string)> rows)
    {
        private readonly string id = $"cus_{index + 1:000000}";
        private readonly string email = $"{First[index % First.Length]}.{Last[index / First.Length % Last.Length]}{index + 1}@example.com";
        private int subscriptions;

        public void Live()
        {
            var at = signup;
            var roll = random.NextDouble();
            var main = roll < 0.62 ? Membership() : roll < 0.85 ? (random.NextDouble() < 0.7 ? BoxMonthly : BoxQuarterly) : Course;
            var months = Run(main, at, quantity: main.Product == "tea-box" && random.NextDouble() < 0.2 ? 2 : 1, trial: main.Product != "tea-box" && random.NextDouble() < 0.25);
            // Some churned customers come back a few months later.
            if (months is { } ended && random.NextDouble() < 0.12)
            {
                var back = ended.AddDays(random.Next(40, 200));
                if (back < now)
                    Run(main.Product == "tea-box" ? BoxMonthly : Memberships[random.Next(0, 4)], back, 1, trial: false);
            }
        }

        private Plan Membership()
        {
            var tier = random.NextDouble() switch { < 0.5 => 0, < 0.85 => 1, _ => 2 };
            return Memberships[tier * 2 + (random.NextDouble() < 0.22 ? 1 : 0)];
        }

        /// <summary>One subscription's life; returns when it was cancelled, or null if it is still running.</summary>
        private DateTimeOffset? Run(Plan plan, DateTimeOffset at, int quantity, bool trial)
        {
            var sub = $"sub_{id[4..]}_{++subscriptions}";
            var discount = random.NextDouble() < 0.12 ? 20 : 0;
            if (trial)
            {
                Emit(at, sub, "trial_start", plan, quantity, discount);
                at = at.AddDays(14);
                if (at >= now)
                    return null;
                if (random.NextDouble() < 0.3)
                {
                    Emit(at, sub, "cancel");
                    return null;
                }
            }
            Emit(at, sub, "start", plan, quantity, discount);

            // Add-ons: a kit with the plan (same day: new business) or later (expansion).
            if (plan.Product is "basic" or "pro" or "vip" && plan.Interval == BillingInterval.Month && random.NextDouble() < 0.15)
                AddOn(Kit, at.AddMinutes(3));
            if (plan.Product == "tea-box" && random.NextDouble() < 0.2)
                AddOn(Tasting, at.AddDays(random.Next(1, 120)));

            var current = plan;
            var paused = false;
            var unpaid = false;
            var discountEnds = discount > 0 ? at.AddMonths(3) : (DateTimeOffset?)null;
            var month = at;
            var churn = plan.Interval == BillingInterval.Year ? 0.012 : plan.Product == "masterclass" ? 0.07 : 0.035;
            while (true)
            {
                month = month.AddDays(random.Next(26, 34));
                if (month >= now)
                    return null;
                if (discountEnds is { } ends && month >= ends)
                {
                    Emit(ends, sub, "change", current, quantity, 0);
                    discount = 0;
                    discountEnds = null;
                }
                if (paused)
                {
                    if (random.NextDouble() < 0.6)
                    { Emit(month, sub, "resume"); paused = false; }
                    continue;
                }
                if (unpaid)
                {
                    if (random.NextDouble() < 0.35)
                    { Emit(month, sub, "recover"); unpaid = false; }
                    else if (random.NextDouble() < 0.5)
                    { Emit(month.AddHours(1), sub, "cancel"); return month; }
                    continue;
                }
                var r = random.NextDouble();
                if (r < churn)
                {
                    Emit(month, sub, "cancel");
                    return month;
                }
                if (r < churn + 0.03)
                {
                    Emit(month, sub, "past_due");
                    var retry = month.AddDays(random.Next(2, 8));
                    if (retry >= now)
                        return null;
                    if (random.NextDouble() < 0.7)
                        Emit(retry, sub, "recover");
                    else
                    { Emit(month.AddDays(14) < now ? month.AddDays(14) : retry, sub, "unpaid"); unpaid = true; }
                    continue;
                }
                if (r < churn + 0.05 && current.Product is "basic" or "pro")
                {
                    current = Memberships[Array.IndexOf(Memberships, current) + 2];
                    Emit(month, sub, "change", current, quantity, discount);
                    continue;
                }
                if (r < churn + 0.06 && current.Product is "pro" or "vip")
                {
                    current = Memberships[Array.IndexOf(Memberships, current) - 2];
                    Emit(month, sub, "change", current, quantity, discount);
                    continue;
                }
                if (r < churn + 0.08 && current.Product == "tea-box")
                {
                    if (random.NextDouble() < 0.5)
                    { paused = true; Emit(month, sub, "pause"); }
                    else
                    { quantity = quantity == 1 ? 2 : 1; Emit(month, sub, "change", current, quantity, discount); }
                    continue;
                }
                if (r < churn + 0.09 && current.Product is "basic" or "pro" or "vip" && current.Interval == BillingInterval.Month)
                    AddOn(Kit, month);
            }
        }

        private void AddOn(Plan plan, DateTimeOffset at)
        {
            if (at >= now)
                return;
            var sub = $"sub_{id[4..]}_{++subscriptions}";
            Emit(at, sub, "start", plan, 1, 0);
            var end = at.AddDays(random.Next(30, 500));
            if (end < now && random.NextDouble() < 0.5)
                Emit(end, sub, "cancel");
        }

        private void Emit(DateTimeOffset at, string sub, string kind, Plan? plan = null, int quantity = 1, int discount = 0)
        {
            var item = plan is null ? ",,,,,,,"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{plan.Product},{plan.Code},{plan.Amount},USD,{plan.Interval.ToString().ToLowerInvariant()},{plan.Count},{quantity},{discount}");
            rows.Add((at, $"{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{id},{email},{sub},{kind},{item}"));
        }
    }

    /// <summary>The demo's catalog: three membership tiers, a course, a tea box and two add-ons, with slugs matching the history's product codes.</summary>
    public static async Task CreateCatalogAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct = default)
    {
        Product Make(string slug, string name, ProductKind kind, int rank, bool pause = false, bool ships = false) => new()
        {
            Slug = slug,
            Name = name,
            Kind = kind,
            Rank = rank,
            AllowPause = pause,
            ShipsPhysically = ships,
            CreatedAt = now,
            AddOnBilling = kind == ProductKind.AddOn ? AddOnBilling.Recurring : null,
            Features = [$"{name} perks"],
        };
        var products = new[]
        {
            Make("basic", "Basic", ProductKind.Membership, 1, pause: true), Make("pro", "Pro", ProductKind.Membership, 2, pause: true),
            Make("vip", "VIP", ProductKind.Membership, 3), Make("masterclass", "Watercolour Masterclass", ProductKind.Course, 0),
            Make("tea-box", "Tea Box", ProductKind.Box, 0, pause: true, ships: true), Make("craft-kit", "Craft Kit", ProductKind.AddOn, 0, ships: true),
            Make("tasting-notes", "Tasting Notes", ProductKind.AddOn, 0),
        };
        // Only the products the catalog does not have yet (seed-demo adds the shop's demo catalog first); prices only for those.
        var existing = (await db.Products.Select(p => p.Slug).ToListAsync(ct)).ToHashSet();
        var added = products.Where(p => !existing.Contains(p.Slug)).ToList();
        db.Products.AddRange(added);
        foreach (var plan in Memberships.Concat([Course, BoxMonthly, BoxQuarterly, Kit, Tasting]))
            if (added.FirstOrDefault(p => p.Slug == plan.Product) is { } product)
                db.Prices.Add(CatalogPrice.Create(product.Id, new PriceTerms(new Money(plan.Amount, "USD"), plan.Interval, plan.Count)));
        await db.SaveChangesAsync(ct);
    }
}
