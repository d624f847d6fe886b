using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>One line of a paid Stripe invoice that is not a subscription item, on a catalog price (a one-time product, when its product says so).</summary>
public sealed record OneTimeSale(CatalogPrice Price, int Quantity, long AmountMinor);

/// <summary>
/// The one-time products a paid Stripe invoice sold with a subscription (a starter kit bought at checkout), recorded for
/// fulfilment on the webhook's own context exactly as the test gateway's checkout records them, so they ship once. The
/// boxes feature implements it (routing needs its calendars); the default records nothing. Called for every delivery of a
/// paid invoice: an implementation records each invoice's product once.
/// </summary>
public interface IOneTimeGoods
{
    Task RecordAsync(AppDbContext db, Subscription subscription, Invoice invoice, IReadOnlyList<OneTimeSale> sales, string? gatewayPaymentId, DateTimeOffset paidAt,
        CancellationToken ct);
}

internal sealed class NoOneTimeGoods : IOneTimeGoods
{
    public Task RecordAsync(AppDbContext db, Subscription subscription, Invoice invoice, IReadOnlyList<OneTimeSale> sales, string? gatewayPaymentId, DateTimeOffset paidAt,
        CancellationToken ct) => Task.CompletedTask;
}
