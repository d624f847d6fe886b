using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("Products");
        b.HasKey(p => p.Id);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.AddOnBilling).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Name).HasMaxLength(120);
        b.Property(p => p.Slug).HasMaxLength(80);
        b.HasIndex(p => p.Slug).IsUnique();
        b.Property(p => p.DescriptionMarkdown).HasMaxLength(20_000);
        b.Property(p => p.ImageUrl).HasMaxLength(500);
        b.Property(p => p.StripeProductId).HasMaxLength(64);
        b.Ignore(p => p.NeedsShipping);
    }
}

internal sealed class CatalogPriceConfiguration : IEntityTypeConfiguration<CatalogPrice>
{
    public void Configure(EntityTypeBuilder<CatalogPrice> b)
    {
        b.ToTable("Prices");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasIndex(p => p.ProductId);
        b.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.Terms).HasConversion(DomainJson.PriceTermsConverter).HasMaxLength(400).HasColumnName("TermsJson");
        b.Property<string?>("StripePriceId").HasMaxLength(64);
        b.Property<string?>("Nickname").HasMaxLength(80);
    }
}

internal sealed class CouponConfiguration : IEntityTypeConfiguration<Coupon>
{
    public const string CodeColumn = "NormalizedCode";

    public void Configure(EntityTypeBuilder<Coupon> b)
    {
        b.ToTable("Coupons");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Terms).HasConversion(DomainJson.CouponTermsConverter).HasMaxLength(400).HasColumnName("TermsJson");
        // The normalised (upper-case) code, kept beside the terms so look-ups and the unique index run in SQL.
        b.Property<string>(CodeColumn).HasMaxLength(64);
        b.HasIndex(CodeColumn).IsUnique();
        b.Property<HashSet<Guid>>("_productIds").HasColumnName("ProductIdsJson").HasMaxLength(4000)
            .HasConversion(DomainJson.GuidSetConverter, DomainJson.GuidSetComparer);
        b.Ignore(c => c.ProductIds);
        b.Ignore(c => c.Code);
        b.Ignore(c => c.PercentOff);
        b.Ignore(c => c.AmountOff);
        b.Ignore(c => c.Duration);
        b.Ignore(c => c.DurationInMonths);
        b.Property(c => c.TimesRedeemed).IsConcurrencyToken();
    }
}
