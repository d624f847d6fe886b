using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class PortalSettingConfiguration : IEntityTypeConfiguration<PortalSetting>
{
    public void Configure(EntityTypeBuilder<PortalSetting> b)
    {
        b.ToTable("PortalSettings");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(128);
        b.Property(x => x.Value).HasMaxLength(4000);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<Audit.AuditEntry>
{
    public void Configure(EntityTypeBuilder<Audit.AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.HasKey(x => x.Id);
        b.Property(x => x.ActorId).HasMaxLength(450);
        b.Property(x => x.ActorName).HasMaxLength(256);
        b.Property(x => x.ActorRole).HasMaxLength(32);
        b.Property(x => x.Action).HasMaxLength(64);
        b.Property(x => x.TargetType).HasMaxLength(64);
        b.Property(x => x.TargetId).HasMaxLength(450);
        b.Property(x => x.Summary).HasMaxLength(1000);
        b.Property(x => x.Before).HasMaxLength(Audit.AuditLog.MaxValueLength);
        b.Property(x => x.After).HasMaxLength(Audit.AuditLog.MaxValueLength);
        b.HasIndex(x => x.At);
        b.HasIndex(x => new { x.Action, x.At });
        b.HasIndex(x => new { x.TargetId, x.At });
    }
}

internal sealed class MemberNoteConfiguration : IEntityTypeConfiguration<Members.MemberNote>
{
    public void Configure(EntityTypeBuilder<Members.MemberNote> b)
    {
        b.ToTable("MemberNotes");
        b.HasKey(x => x.Id);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.AuthorId).HasMaxLength(450);
        b.Property(x => x.AuthorName).HasMaxLength(256);
        b.Property(x => x.Text).HasMaxLength(4000);
        b.HasIndex(x => new { x.MemberId, x.At });
    }
}

/// <summary>Indexes for the members list: newest first, and the "no login for 30 days" filter.</summary>
internal sealed class ApplicationUserListConfiguration : IEntityTypeConfiguration<Identity.ApplicationUser>
{
    public void Configure(EntityTypeBuilder<Identity.ApplicationUser> b)
    {
        b.HasIndex(u => u.CreatedAt);
        b.HasIndex(u => u.LastLoginAt);
    }
}

internal sealed class ShipmentConfiguration : IEntityTypeConfiguration<Boxes.Shipment>
{
    public void Configure(EntityTypeBuilder<Boxes.Shipment> b)
    {
        b.ToTable("Shipments");
        b.HasKey(x => x.Id);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Cycle).HasMaxLength(7);
        b.Property(x => x.Carrier).HasMaxLength(64);
        b.Property(x => x.TrackingNumber).HasMaxLength(128);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.HasIndex(x => new { x.SubscriptionId, x.Cycle }).IsUnique();
        b.HasIndex(x => new { x.ProductId, x.Cycle });
        b.HasIndex(x => x.MemberId);
        b.OwnsOne(x => x.Address, a =>
        {
            a.Property(p => p.Name).HasMaxLength(200);
            a.Property(p => p.Line1).HasMaxLength(200);
            a.Property(p => p.Line2).HasMaxLength(200);
            a.Property(p => p.City).HasMaxLength(100);
            a.Property(p => p.Region).HasMaxLength(100);
            a.Property(p => p.PostalCode).HasMaxLength(20);
            a.Property(p => p.Country).HasMaxLength(2);
        });
        b.OwnsMany(x => x.Lines, l =>
        {
            l.ToTable("ShipmentLines");
            l.WithOwner().HasForeignKey("ShipmentId");
            l.Property<int>("Id");
            l.HasKey("Id");
            l.Property(p => p.Description).HasMaxLength(200);
        });
    }
}

internal sealed class BoxSkipConfiguration : IEntityTypeConfiguration<Boxes.BoxSkip>
{
    public void Configure(EntityTypeBuilder<Boxes.BoxSkip> b)
    {
        b.ToTable("BoxSkips");
        b.HasKey(x => new { x.SubscriptionId, x.Cycle });
        b.Property(x => x.Cycle).HasMaxLength(7);
        b.Property(x => x.GatewayCreditId).HasMaxLength(100);
    }
}

internal sealed class BoxCycleGenerationConfiguration : IEntityTypeConfiguration<Boxes.BoxCycleGeneration>
{
    public void Configure(EntityTypeBuilder<Boxes.BoxCycleGeneration> b)
    {
        b.ToTable("BoxCycleGenerations");
        b.HasKey(x => new { x.ProductId, x.Cycle });
        b.Property(x => x.Cycle).HasMaxLength(7);
    }
}

internal sealed class BoxExtraConfiguration : IEntityTypeConfiguration<Boxes.BoxExtra>
{
    public void Configure(EntityTypeBuilder<Boxes.BoxExtra> b)
    {
        b.ToTable("BoxExtras");
        b.HasKey(x => x.Id);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Description).HasMaxLength(200);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Cycle).HasMaxLength(7);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.GatewayPaymentId).HasMaxLength(128);
        b.HasIndex(x => new { x.SubscriptionId, x.Status });
        b.HasIndex(x => x.ShipmentId);
    }
}

internal sealed class MemberAddressConfiguration : IEntityTypeConfiguration<Boxes.MemberAddress>
{
    public void Configure(EntityTypeBuilder<Boxes.MemberAddress> b)
    {
        b.ToTable("MemberAddresses");
        b.HasKey(x => x.Id);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Label).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Line1).HasMaxLength(200);
        b.Property(x => x.Line2).HasMaxLength(200);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.Region).HasMaxLength(100);
        b.Property(x => x.PostalCode).HasMaxLength(20);
        b.Property(x => x.Country).HasMaxLength(2);
        b.HasIndex(x => x.MemberId);
    }
}

internal sealed class ShippingZoneConfiguration : IEntityTypeConfiguration<Boxes.ShippingZone>
{
    public void Configure(EntityTypeBuilder<Boxes.ShippingZone> b)
    {
        b.ToTable("ShippingZones");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(64);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Currency).HasMaxLength(3);
        b.HasMany(x => x.Countries).WithOne().HasForeignKey(c => c.ZoneId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ShippingZoneCountryConfiguration : IEntityTypeConfiguration<Boxes.ShippingZoneCountry>
{
    public void Configure(EntityTypeBuilder<Boxes.ShippingZoneCountry> b)
    {
        b.ToTable("ShippingZoneCountries");
        b.HasKey(x => x.Country);
        b.Property(x => x.Country).HasMaxLength(2);
    }
}

internal sealed class BoxCycleCostConfiguration : IEntityTypeConfiguration<Boxes.BoxCycleCost>
{
    public void Configure(EntityTypeBuilder<Boxes.BoxCycleCost> b)
    {
        b.ToTable("BoxCycleCosts");
        b.HasKey(x => new { x.ProductId, x.Cycle });
        b.Property(x => x.Cycle).HasMaxLength(7);
        b.Property(x => x.Currency).HasMaxLength(3);
    }
}

internal sealed class BoxCycleContentConfiguration : IEntityTypeConfiguration<Boxes.BoxCycleContent>
{
    public void Configure(EntityTypeBuilder<Boxes.BoxCycleContent> b)
    {
        b.ToTable("BoxCycleContents");
        b.HasKey(x => new { x.ProductId, x.Cycle });
        b.Property(x => x.Cycle).HasMaxLength(7);
        b.Property(x => x.Title).HasMaxLength(Domain.Boxes.CycleContentRules.TitleMax);
        b.Property(x => x.DescriptionMarkdown).HasMaxLength(Domain.Boxes.CycleContentRules.DescriptionMax);
        // A JSON list: at most 30 lines of 200 characters (CycleContentRules), quoted and escaped.
        b.PrimitiveCollection(x => x.Contents);
        b.HasIndex(x => x.ImageFileId);
    }
}
