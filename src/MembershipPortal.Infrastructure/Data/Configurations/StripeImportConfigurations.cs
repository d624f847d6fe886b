using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class StripePriceMappingConfiguration : IEntityTypeConfiguration<StripePriceMapping>
{
    public void Configure(EntityTypeBuilder<StripePriceMapping> b)
    {
        b.ToTable("StripePriceMappings");
        b.HasKey(m => m.StripePriceId);
        b.Property(m => m.StripePriceId).HasMaxLength(255);
        b.Property(m => m.StripeProductId).HasMaxLength(255);
        b.Property(m => m.ProductName).HasMaxLength(250);
        b.Property(m => m.Nickname).HasMaxLength(250);
        b.Property(m => m.Currency).HasMaxLength(3);
        b.Property(m => m.Interval).HasMaxLength(8);
        // A catalog price mapped to cannot be deleted from under the mapping; prices are archived, not deleted.
        b.HasOne<CatalogPrice>().WithMany().HasForeignKey(m => m.CatalogPriceId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => m.CatalogPriceId);
    }
}

internal sealed class StripeImportObjectConfiguration : IEntityTypeConfiguration<StripeImportObject>
{
    public void Configure(EntityTypeBuilder<StripeImportObject> b)
    {
        b.ToTable("StripeImportObjects");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).HasMaxLength(255);
        b.Property(o => o.Kind).HasMaxLength(16);
        b.Property(o => o.ParentId).HasMaxLength(255);
        b.Property(o => o.Hash).HasMaxLength(32);
        b.Property(o => o.AppliedHash).HasMaxLength(32);
        b.HasIndex(o => new { o.Kind, o.ParentId });
    }
}

internal sealed class StripeImportedCustomerConfiguration : IEntityTypeConfiguration<StripeImportedCustomer>
{
    public void Configure(EntityTypeBuilder<StripeImportedCustomer> b)
    {
        b.ToTable("StripeImportedCustomers");
        b.HasKey(c => c.CustomerId);
        b.Property(c => c.CustomerId).HasMaxLength(255);
        b.Property(c => c.MemberId).HasMaxLength(450);
        b.HasIndex(c => c.MemberId);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
