using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MembershipPortal.Infrastructure.Data.Configurations;

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> b)
    {
        b.ToTable("Subscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.MemberId).HasMaxLength(450);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.MemberId, s.Status });
        b.HasIndex(s => new { s.Status, s.CurrentPeriodEnd });
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.CancelReason).HasMaxLength(200);
        b.Property(s => s.Version).IsConcurrencyToken();

        b.HasMany(s => s.Items).WithOne().HasForeignKey("SubscriptionId").OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Items).HasField("_items").UsePropertyAccessMode(PropertyAccessMode.Field);

        b.OwnsMany(s => s.History, h =>
        {
            h.ToTable("SubscriptionHistory");
            h.WithOwner().HasForeignKey("SubscriptionId");
            h.Property<long>("Id").ValueGeneratedOnAdd();
            h.HasKey("Id");
            h.Property(c => c.Kind).HasConversion<string>().HasMaxLength(24);
            h.Property(c => c.FromStatus).HasConversion<string>().HasMaxLength(16);
            h.Property(c => c.ToStatus).HasConversion<string>().HasMaxLength(16);
            h.Property(c => c.Detail).HasMaxLength(500);
            h.HasIndex(c => c.At);
        });
        b.Navigation(s => s.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SubscriptionItemConfiguration : IEntityTypeConfiguration<SubscriptionItem>
{
    public void Configure(EntityTypeBuilder<SubscriptionItem> b)
    {
        b.ToTable("SubscriptionItems");
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Terms).HasConversion(DomainJson.PriceTermsConverter).HasMaxLength(400).HasColumnName("TermsJson");
        b.Property(i => i.Coupon).HasConversion(DomainJson.CouponTermsConverter!).HasMaxLength(400).HasColumnName("CouponJson");
        b.HasIndex(i => i.ProductId);
        b.HasIndex(i => i.PriceId);
    }
}

internal sealed class SubscriptionRecordConfiguration : IEntityTypeConfiguration<SubscriptionRecord>
{
    public void Configure(EntityTypeBuilder<SubscriptionRecord> b)
    {
        b.ToTable("SubscriptionRecords");
        b.HasKey(r => r.SubscriptionId);
        b.HasOne<Subscription>().WithOne().HasForeignKey<SubscriptionRecord>(r => r.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Gateway).HasMaxLength(16);
        b.Property(r => r.GatewaySubscriptionId).HasMaxLength(64);
        b.HasIndex(r => r.GatewaySubscriptionId).IsUnique();
        b.Property(r => r.CancelFeedback).HasMaxLength(2000);
        b.Property(r => r.CouponCode).HasMaxLength(64);
        b.OwnsOne(r => r.ShippingAddress, a =>
        {
            a.Property(x => x.Name).HasMaxLength(120);
            a.Property(x => x.Line1).HasMaxLength(200);
            a.Property(x => x.Line2).HasMaxLength(200);
            a.Property(x => x.City).HasMaxLength(100);
            a.Property(x => x.Region).HasMaxLength(100);
            a.Property(x => x.PostalCode).HasMaxLength(20);
            a.Property(x => x.Country).HasMaxLength(2);
        });
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.ToTable("Invoices");
        b.HasKey(i => i.Id);
        b.Property(i => i.Number).HasMaxLength(32);
        b.HasIndex(i => i.Number).IsUnique();
        b.Property(i => i.MemberId).HasMaxLength(450);
        b.HasIndex(i => new { i.MemberId, i.CreatedAt });
        b.HasIndex(i => i.SubscriptionId);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(i => i.Reason).HasMaxLength(40);
        b.Property(i => i.GatewayInvoiceId).HasMaxLength(64);
        b.HasIndex(i => i.GatewayInvoiceId).IsUnique();
        b.OwnsMany(i => i.Lines, l =>
        {
            l.ToJson();
            l.Property(x => x.Description).HasMaxLength(300);
        });
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable("Payments");
        b.HasKey(p => p.Id);
        b.HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.MemberId).HasMaxLength(450);
        b.HasIndex(p => new { p.MemberId, p.At });
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.FailureCode).HasMaxLength(64);
        b.Property(p => p.FailureMessage).HasMaxLength(300);
        b.Property(p => p.CardLast4).HasMaxLength(4);
        b.Property(p => p.GatewayPaymentId).HasMaxLength(64);
    }
}

internal sealed class BillingProfileConfiguration : IEntityTypeConfiguration<BillingProfile>
{
    public void Configure(EntityTypeBuilder<BillingProfile> b)
    {
        b.ToTable("BillingProfiles");
        b.HasKey(p => p.MemberId);
        b.Property(p => p.MemberId).HasMaxLength(450);
        b.Property(p => p.Gateway).HasMaxLength(16);
        b.Property(p => p.CustomerId).HasMaxLength(64);
        b.HasIndex(p => p.CustomerId);
        b.Property(p => p.CardBrand).HasMaxLength(24);
        b.Property(p => p.CardLast4).HasMaxLength(4);
        b.Property(p => p.TestCardToken).HasMaxLength(32);
    }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> b)
    {
        b.ToTable("ProcessedWebhookEvents");
        b.HasKey(e => e.EventId);
        b.Property(e => e.EventId).HasMaxLength(255);
        b.Property(e => e.Type).HasMaxLength(100);
    }
}

internal sealed class WebhookEventLogEntryConfiguration : IEntityTypeConfiguration<WebhookEventLogEntry>
{
    public void Configure(EntityTypeBuilder<WebhookEventLogEntry> b)
    {
        b.ToTable("WebhookEventLog");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.EventId).HasMaxLength(255);
        b.HasIndex(e => e.EventId).IsUnique();
        b.Property(e => e.Type).HasMaxLength(100);
        b.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Reason).HasMaxLength(WebhookEventLogEntry.ReasonLength);
    }
}
