using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data;

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
