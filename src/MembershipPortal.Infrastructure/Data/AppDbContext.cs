using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Metrics;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>
/// The one model. Each database provider has a sealed subclass with its own migrations project, because one
/// migration set cannot serve both (column types differ). After a model change add both migrations:
/// <code>
/// dotnet ef migrations add NAME --project src/MembershipPortal.Migrations.Sqlite --context SqliteAppDbContext
/// dotnet ef migrations add NAME --project src/MembershipPortal.Migrations.SqlServer --context SqlServerAppDbContext
/// </code>
/// </summary>
public abstract class AppDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<PortalSetting> Settings => Set<PortalSetting>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<CatalogPrice> Prices => Set<CatalogPrice>();
    public DbSet<Coupon> Coupons => Set<Coupon>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<SubscriptionRecord> SubscriptionRecords => Set<SubscriptionRecord>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<BillingProfile> BillingProfiles => Set<BillingProfile>();
    public DbSet<ProcessedWebhookEvent> ProcessedWebhookEvents => Set<ProcessedWebhookEvent>();
    public DbSet<WebhookEventLogEntry> WebhookEventLog => Set<WebhookEventLogEntry>();
    public DbSet<ContentItem> ContentItems => Set<ContentItem>();
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<CourseModule> CourseModules => Set<CourseModule>();
    public DbSet<Lesson> Lessons => Set<Lesson>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<LessonCompletion> LessonCompletions => Set<LessonCompletion>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<Comp> Comps => Set<Comp>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<NoticeTemplateRecord> NoticeTemplates => Set<NoticeTemplateRecord>();
    public DbSet<EmailOptOut> EmailOptOuts => Set<EmailOptOut>();
    public DbSet<HistoryImport> HistoryImports => Set<HistoryImport>();
    public DbSet<ImportedEvent> ImportedEvents => Set<ImportedEvent>();
    public DbSet<ImportedCustomer> ImportedCustomers => Set<ImportedCustomer>();
    public DbSet<Payments.Stripe.Import.StripePriceMapping> StripePriceMappings => Set<Payments.Stripe.Import.StripePriceMapping>();
    public DbSet<Payments.Stripe.Import.StripeImportObject> StripeImportObjects => Set<Payments.Stripe.Import.StripeImportObject>();
    public DbSet<Payments.Stripe.Import.StripeImportedCustomer> StripeImportedCustomers => Set<Payments.Stripe.Import.StripeImportedCustomer>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Members.MemberNote> MemberNotes => Set<Members.MemberNote>();
    public DbSet<Boxes.Shipment> Shipments => Set<Boxes.Shipment>();
    public DbSet<Boxes.BoxSkip> BoxSkips => Set<Boxes.BoxSkip>();
    public DbSet<Boxes.BoxCycleGeneration> BoxCycleGenerations => Set<Boxes.BoxCycleGeneration>();
    public DbSet<Boxes.BoxExtra> BoxExtras => Set<Boxes.BoxExtra>();
    public DbSet<Boxes.MemberAddress> MemberAddresses => Set<Boxes.MemberAddress>();
    public DbSet<Boxes.ShippingZone> ShippingZones => Set<Boxes.ShippingZone>();
    public DbSet<Boxes.ShippingZoneCountry> ShippingZoneCountries => Set<Boxes.ShippingZoneCountry>();
    public DbSet<Boxes.BoxCycleCost> BoxCycleCosts => Set<Boxes.BoxCycleCost>();
    public DbSet<Boxes.BoxCycleContent> BoxCycleContents => Set<Boxes.BoxCycleContent>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAudit();
        // The synchronous path is rare (tests, tools); the check is the same query run to completion.
        GuardActorsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardAudit();
        await GuardActorsAsync(cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Every Owner/Staff action is audited in the same save as its change, so this is the one place that sees them
    /// all: the actor named on each new entry must, right now, exist, be unlocked and hold the role the action needs
    /// (<see cref="AdminAccess"/>). Otherwise the whole save is refused, so a stale tab or circuit changes nothing.
    /// </summary>
    private async Task GuardActorsAsync(CancellationToken ct)
    {
        var added = ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.ActorId != null && e.Entity.ActorRole is PortalRoles.Owner or PortalRoles.Staff)
            .Select(e => e.Entity).ToList();
        foreach (var entry in added)
        {
            var actor = new AuditActor(entry.ActorId, entry.ActorName, entry.ActorRole);
            var target = entry.TargetType == "member" ? entry.TargetId : null;
            var now = await AdminAccess.CheckAsync(this, actor, entry.Action, target, ct);
            entry.ActorRole = now.Role;
        }
    }

    /// <summary>The audit trail is append-only: nothing in the app may edit or remove an entry.</summary>
    private void GuardAudit()
    {
        foreach (var entry in ChangeTracker.Entries<AuditEntry>())
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new AuditImmutableException();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity reads its schema version (3: passkeys) from the application's DI container; contexts built
        // outside DI must use DesignTimeServices.Configure, or they silently get version 1.
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(18, 6);
    }
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    public const string MigrationsAssembly = "MembershipPortal.Migrations.Sqlite";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so range queries run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options)
{
    public const string MigrationsAssembly = "MembershipPortal.Migrations.SqlServer";
}
