using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// The steps the member's billing use cases (<c>Billing/UseCases</c>) share: load the member's own subscription, charge
/// the card on file, refund unused time. Steps only: each use case runs through the one <see cref="UseCaseRunner"/>.
/// </summary>
public sealed class BillingSteps(IPaymentGateway gateway, NoticeQueue notices)
{
    /// <summary>The member's own subscription, tracked for the change; another member's id is refused.</summary>
    public static async Task<Subscription> OwnSubscriptionAsync(UseCaseScope uc, string memberId, Guid subscriptionId) =>
        await OwnedSubscription.FindAsync(uc.Db, memberId, subscriptionId, uc.Ct) ?? throw new UseCaseRefused("Subscription not found.");

    /// <summary>The audit summary of a change to a subscription (written when the Owner or Staff make it), and the message.</summary>
    public static string Done(UseCaseScope uc, Subscription sub, string message)
    {
        uc.AuditSummary ??= $"Subscription {sub.Id}: {message}";
        return message;
    }

    /// <summary>The subscription's main item (its plan, not an add-on) and its product.</summary>
    public static async Task<(SubscriptionItem Item, Product Product)> MainItemAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        var productIds = sub.Items.Select(i => i.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToListAsync(ct);
        var main = sub.Items.Select(i => (Item: i, Product: products.First(p => p.Id == i.ProductId)))
            .OrderBy(x => x.Product.Kind == ProductKind.AddOn ? 1 : 0).First();
        return main;
    }

    /// <summary>The part of one more unit's price that covers the rest of the current period.</summary>
    public static Money ProratedShare(Subscription sub, PriceTerms terms, int extraUnits, DateTimeOffset now)
    {
        if (sub.Status == SubscriptionStatus.Trialing)
            return Money.Zero(terms.Currency);
        // Going from n to n + extra units of the same price: the proration of the extra units only.
        var preview = Proration.ForUpgrade(terms, terms, 1, 1 + extraUnits, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now);
        return preview.AmountDueNow;
    }

    /// <summary>Charges the card on file now and records the invoice; returns an error message, or null when paid (or nothing was due).</summary>
    public async Task<string?> ChargeAsync(AppDbContext db, Subscription sub, Money amount, string key, string description, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (amount.Minor <= 0)
            return null;
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == sub.MemberId, ct);
        if (profile?.CustomerId is null)
            return "There is no card on file; add one first.";
        var charge = await gateway.ChargeAsync(new ChargeRequest(profile.CustomerId, profile.TestCardToken, amount, description, key, IsRenewal: false), ct);
        var line = new InvoiceLine(InvoiceLineKind.Subscription, null, description, 1, amount, true);
        var invoice = Ledger.NewInvoice(sub.MemberId, sub.Id, [line], amount, now, now, sub.CurrentPeriodEnd, reason, charge.Succeeded);
        if (!charge.Succeeded)
            return charge.FailureMessage ?? "Your card was declined.";
        db.Invoices.Add(invoice);
        db.Payments.Add(Ledger.Payment(invoice, charge.PaymentId, profile.CardLast4, now));
        await notices.QueueReceiptAsync(db, sub, invoice, now, ct);
        return null;
    }

    /// <summary>Refunds a downgrade's unused time to the card of the last payment (at most that payment).</summary>
    public async Task RefundCreditAsync(AppDbContext db, Subscription sub, Money credit, DateTimeOffset now, CancellationToken ct)
    {
        if (credit.Minor <= 0)
            return;
        var last = await db.Payments.Where(p => p.MemberId == sub.MemberId && p.Outcome == PaymentOutcome.Succeeded && p.GatewayPaymentId != null)
            .OrderByDescending(p => p.At).FirstOrDefaultAsync(ct);
        if (last?.GatewayPaymentId is null)
            return;
        var amount = new Money(Math.Min(credit.Minor, last.AmountMinor), credit.Currency);
        var refund = await Refunds.RefundAsync(gateway, db, new RefundOf(last.GatewayPaymentId, last.InvoiceId, sub.MemberId, last.CardLast4),
            amount, $"downgrade-credit:{sub.Id}:{sub.Version}", now, ct);
        // The refunded invoice says so (its receipt lists the refund), and the member is told once, as for any refund.
        if (refund is { Row: { } row, Invoice: { } invoice })
        {
            var (_, product) = await MainItemAsync(db, sub, ct);
            await notices.QueueRefundAsync(db, invoice, row, now, ct,
                $"This is the unused part of your previous plan. You are now on {product.Name}, which renews on {NoticeQueue.DateText(sub.CurrentPeriodEnd)}.");
        }
    }
}
