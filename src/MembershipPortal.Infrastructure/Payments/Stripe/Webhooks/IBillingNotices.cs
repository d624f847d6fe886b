using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// The emails a Stripe invoice event causes (receipt, payment failed and the dunning steps, recovered, refund), queued on the
/// webhook's own context so they commit with the ledger change or not at all. The email feature implements it; the
/// default queues nothing.
/// </summary>
public interface IBillingNotices
{
    /// <summary>A paid invoice: its receipt, and "recovered" when it brought a past-due or unpaid subscription back.</summary>
    Task InvoicePaidAsync(AppDbContext db, Subscription subscription, Invoice invoice, DateTimeOffset? recoveredFrom, DateTimeOffset now, CancellationToken ct);

    /// <summary>A failed attempt: whichever dunning notice is due for the subscription now.</summary>
    Task PaymentFailedAsync(AppDbContext db, Subscription subscription, DateTimeOffset now, CancellationToken ct);

    /// <summary>Stripe stopped retrying and the subscription lost access: "access suspended".</summary>
    Task SuspendedAsync(AppDbContext db, Subscription subscription, DateTimeOffset firstFailure, DateTimeOffset now, CancellationToken ct);

    /// <summary>A refund made at Stripe was recorded (<paramref name="refund"/> is the new negative payment row): the refund notice.</summary>
    Task RefundedAsync(AppDbContext db, Invoice invoice, Payment refund, DateTimeOffset now, CancellationToken ct);
}

internal sealed class NoBillingNotices : IBillingNotices
{
    public Task InvoicePaidAsync(AppDbContext db, Subscription subscription, Invoice invoice, DateTimeOffset? recoveredFrom, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;

    public Task PaymentFailedAsync(AppDbContext db, Subscription subscription, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;

    public Task SuspendedAsync(AppDbContext db, Subscription subscription, DateTimeOffset firstFailure, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;

    public Task RefundedAsync(AppDbContext db, Invoice invoice, Payment refund, DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;
}
