using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// The same notices the test gateway's renewal run sends, for Stripe's invoice events: receipt per paid invoice, the
/// dunning step the Owner's policy says is due after a failed attempt, and "recovered" when a payment brings a
/// subscription back. Keys are those of the test gateway's path, so each notice is queued once.
/// </summary>
public sealed class StripeBillingNotices(NoticeQueue notices, BillingSettings settings) : IBillingNotices
{
    public async Task InvoicePaidAsync(AppDbContext db, Subscription subscription, Invoice invoice, DateTimeOffset? recoveredFrom, DateTimeOffset now, CancellationToken ct)
    {
        await notices.QueueReceiptAsync(db, subscription, invoice, now, ct);
        if (recoveredFrom is { } first)
            await notices.QueueDunningAsync(db, subscription, DunningNotice.Recovered, first, await settings.GetDunningAsync(ct), now, ct);
    }

    public async Task PaymentFailedAsync(AppDbContext db, Subscription subscription, DateTimeOffset now, CancellationToken ct)
    {
        var policy = await settings.GetDunningAsync(ct);
        if (subscription.FirstFailedPaymentAt is { } first && policy.NoticeDue(subscription.Status, now - first, subscription.FailedPaymentAttempts) is { } notice)
            await notices.QueueDunningAsync(db, subscription, notice, first, policy, now, ct);
    }

    public Task RefundedAsync(AppDbContext db, Invoice invoice, Payment refund, DateTimeOffset now, CancellationToken ct) =>
        notices.QueueRefundAsync(db, invoice, refund, now, ct);

    public async Task SuspendedAsync(AppDbContext db, Subscription subscription, DateTimeOffset firstFailure, DateTimeOffset now, CancellationToken ct) =>
        await notices.QueueDunningAsync(db, subscription, DunningNotice.Suspended, firstFailure, await settings.GetDunningAsync(ct), now, ct);
}
