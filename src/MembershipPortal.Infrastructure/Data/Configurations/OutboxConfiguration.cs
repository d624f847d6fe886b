using MembershipPortal.Infrastructure.Email.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("EmailOutbox");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.DedupKey).HasMaxLength(200);
        b.HasIndex(o => o.DedupKey).IsUnique();
        b.Property(o => o.Kind).HasMaxLength(40);
        b.Property(o => o.MemberId).HasMaxLength(450);
        b.Property(o => o.ToAddress).HasMaxLength(320);
        b.Property(o => o.ToName).HasMaxLength(200);
        b.Property(o => o.Subject).HasMaxLength(400);
        b.Property(o => o.UnsubscribeUrl).HasMaxLength(1000);
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.LastError).HasMaxLength(1000);
        // The dispatcher's query: due rows by status and time.
        b.HasIndex(o => new { o.Status, o.NextAttemptAt });
        b.HasIndex(o => o.SubscriptionId);
        b.HasIndex(o => new { o.MemberId, o.CreatedAt });
        b.HasIndex(o => o.ClaimToken);
    }
}

internal sealed class NoticeTemplateConfiguration : IEntityTypeConfiguration<NoticeTemplateRecord>
{
    public void Configure(EntityTypeBuilder<NoticeTemplateRecord> b)
    {
        b.ToTable("NoticeTemplates");
        b.HasKey(t => t.Kind);
        b.Property(t => t.Kind).HasMaxLength(40);
        b.Property(t => t.Subject).HasMaxLength(400);
        b.Property(t => t.Body).HasMaxLength(20000);
    }
}

internal sealed class EmailOptOutConfiguration : IEntityTypeConfiguration<EmailOptOut>
{
    public void Configure(EntityTypeBuilder<EmailOptOut> b)
    {
        b.ToTable("EmailOptOuts");
        b.HasKey(o => o.NormalizedEmail);
        b.Property(o => o.NormalizedEmail).HasMaxLength(320);
        b.Property(o => o.MemberId).HasMaxLength(450);
    }
}
