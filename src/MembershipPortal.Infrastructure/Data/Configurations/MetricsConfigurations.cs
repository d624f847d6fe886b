using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class HistoryImportConfiguration : IEntityTypeConfiguration<HistoryImport>
{
    public void Configure(EntityTypeBuilder<HistoryImport> b)
    {
        b.ToTable("AnalyticsImports");
        b.HasKey(i => i.Id);
        b.Property(i => i.FileName).HasMaxLength(260);
        b.Property(i => i.Sha256).HasMaxLength(64);
    }
}

internal sealed class ImportedEventConfiguration : IEntityTypeConfiguration<ImportedEvent>
{
    public void Configure(EntityTypeBuilder<ImportedEvent> b)
    {
        b.ToTable("AnalyticsImportedEvents");
        b.HasKey(e => e.Id);
        b.Property(e => e.Key).HasMaxLength(64);
        b.HasIndex(e => e.Key).IsUnique();
        b.HasOne<HistoryImport>().WithMany().HasForeignKey(e => e.ImportId).OnDelete(DeleteBehavior.Restrict);
        b.Property(e => e.CustomerId).HasMaxLength(100);
        // The members list names an imported member's plan from their events, looked up by customer.
        b.HasIndex(e => e.CustomerId);
        b.Property(e => e.SubscriptionId).HasMaxLength(100);
        b.HasIndex(e => e.SubscriptionId);
        b.Property(e => e.Event).HasMaxLength(16);
        b.Property(e => e.ProductCode).HasMaxLength(100);
        b.Property(e => e.PlanCode).HasMaxLength(100);
        b.Property(e => e.Currency).HasMaxLength(3);
        b.Property(e => e.Interval).HasMaxLength(8);
    }
}

internal sealed class ImportedCustomerConfiguration : IEntityTypeConfiguration<ImportedCustomer>
{
    public void Configure(EntityTypeBuilder<ImportedCustomer> b)
    {
        b.ToTable("AnalyticsImportedCustomers");
        b.HasKey(c => c.CustomerId);
        b.Property(c => c.CustomerId).HasMaxLength(100);
        b.Property(c => c.MemberId).HasMaxLength(450);
        b.HasIndex(c => c.MemberId);
        // Deleting a member removes the link (and the e-mail kept here); their imported events stay, counted anonymously.
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Email).HasMaxLength(256);
        b.HasOne<HistoryImport>().WithMany().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Restrict);
    }
}
