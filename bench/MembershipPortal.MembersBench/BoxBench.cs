using System.Diagnostics;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>dotnet run -c Release --project bench/MembershipPortal.MembersBench -- boxes [--subscriptions 50000] [--kits 0]</c>:
/// N active box subscriptions and K memberships with a mailed kit, all with addresses, on SQLite; times generating the
/// closed cycle's shipments of the box and of the kit, their sum (one cycle for N + K subscriptions), and an idempotent rerun of the ship date.
/// </summary>
static class BoxBench
{
    public static async Task RunAsync(int count, int kits)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var path = Path.Combine(Path.GetTempPath(), $"box-bench-{Guid.NewGuid():N}.db");
        var factory = new Factory($"Data Source={path}");
        Console.WriteLine($"{count:N0} active box subscriptions, {kits:N0} memberships with a kit; {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Guid productId, kitId = Guid.Empty;
        var seed = Stopwatch.StartNew();
        await using (var db = factory.CreateDbContext())
        {
            await db.Database.MigrateAsync();
            var product = new Product { Name = "Monthly Tea Box", Slug = "tea-box", Kind = ProductKind.Box, Rank = 1, CreatedAt = now };
            var price = CatalogPrice.Create(product.Id, PriceTerms.Monthly(new Money(2500, "USD")));
            db.Products.Add(product);
            db.Prices.Add(price);
            await db.SaveChangesAsync();
            productId = product.Id;
            var membership = new Product { Name = "Craft Club", Slug = "craft-club", Kind = ProductKind.Membership, Rank = 1, CreatedAt = now };
            var kit = new Product { Name = "Ornament Kit", Slug = "ornament-kit", Kind = ProductKind.AddOn, AddOnBilling = AddOnBilling.Recurring, ShipsPhysically = true, CreatedAt = now };
            var membershipPrice = CatalogPrice.Create(membership.Id, PriceTerms.Monthly(new Money(1900, "USD")));
            var kitPrice = CatalogPrice.Create(kit.Id, PriceTerms.Monthly(new Money(1200, "USD")));
            db.Products.AddRange(membership, kit);
            db.Prices.AddRange(membershipPrice, kitPrice);
            await db.SaveChangesAsync();
            kitId = kit.Id;
            for (var start = 0; start < count + kits; start += 2_000)
            {
                await using var batch = factory.CreateDbContext();
                batch.ChangeTracker.AutoDetectChangesEnabled = false;
                for (var i = start; i < Math.Min(count + kits, start + 2_000); i++)
                {
                    var user = new ApplicationUser { UserName = $"box{i}@example.test", Email = $"box{i}@example.test", NormalizedEmail = $"BOX{i}@EXAMPLE.TEST", NormalizedUserName = $"BOX{i}@EXAMPLE.TEST", CreatedAt = now };
                    batch.Users.Add(user);
                    NewSubscriptionItem[] items = i < count ? [new(price)] : [new(membershipPrice), new(kitPrice)];
                    var sub = Subscription.Start(user.Id, items, now.AddDays(-40), paymentConfirmed: true);
                    batch.Subscriptions.Add(sub);
                    batch.SubscriptionRecords.Add(new SubscriptionRecord
                    {
                        SubscriptionId = sub.Id,
                        Gateway = "Test",
                        ShippingAddress = new ShippingAddress { Name = $"Member {i}", Line1 = $"{i} Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
                    });
                }
                await batch.SaveChangesAsync();
            }
        }
        Console.WriteLine($"  seeded in {seed.Elapsed.TotalSeconds:N1} s");

        var clock = new Fixed(now);
        var audit = new AuditLog(factory, clock);
        var settings = new SettingsStore(factory, clock, audit);
        var business = new BusinessSettings(settings, null!, null!, Options.Create(new AnalyticsOptions()));
        var service = new ShipmentService(factory, business, new BoxSettings(settings), new BillingSettings(settings), null!, audit,
            new CurrentActor(new ServiceCollection().BuildServiceProvider()), clock, new StripeSkipCredits(null!),
            new BoxControls(factory, null!, business, null!, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<BoxControls>.Instance, new StripeSkipCredits(null!)));
        // One cycle for every subscription: the box's parcels, then the kit's (memberships with a kit), as the cut-off job runs them.
        var watch = Stopwatch.StartNew();
        var report = await service.GenerateAsync(productId, new CycleKey(2026, 11));
        var boxTime = watch.Elapsed;
        Console.WriteLine($"generate the box's 2026-11: {boxTime.TotalSeconds:N2} s, {report.Created:N0} shipments created");
        var kitTime = TimeSpan.Zero;
        if (kits > 0)
        {
            watch.Restart();
            report = await service.GenerateAsync(kitId, new CycleKey(2026, 11));
            kitTime = watch.Elapsed;
            Console.WriteLine($"generate the kit's 2026-11: {kitTime.TotalSeconds:N2} s, {report.Created:N0} kit parcels created");
        }
        Console.WriteLine($"one cycle for {count + kits:N0} subscriptions: {(boxTime + kitTime).TotalSeconds:N2} s (target 30 s)");
        // Again through /admin/fulfilment's "Generate all" for the ship date: creates nothing twice.
        watch.Restart();
        report = await service.GenerateShipDateAsync(new DateOnly(2026, 11, 15));
        Console.WriteLine($"generate the ship date again (idempotent): {watch.Elapsed.TotalSeconds:N2} s, {report.Created:N0} created, {report.AlreadyThere:N0} already there");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(path);
    }
}
