using MembershipPortal.Infrastructure.Billing;
using Microsoft.Extensions.Logging;
using CheckoutSession = Stripe.Checkout.Session;
using StripeAddress = Stripe.Address;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// checkout.session.completed: links the member (our client_reference_id) to the Stripe customer in their billing profile,
/// and keeps the shipping address Checkout collected on the subscription's ledger record.
/// </summary>
internal sealed class CheckoutSessionEventHandler(ILogger<CheckoutSessionEventHandler> logger) : IStripeEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["checkout.session.completed"];

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        var session = context.Object<CheckoutSession>();
        var db = context.Db;
        var memberId = session.ClientReferenceId ?? session.Metadata?.GetValueOrDefault(StripePaymentGateway.MemberIdKey);
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(session.CustomerId) || !await StripeLedger.MemberExistsAsync(db, memberId, ct))
        {
            logger.LogWarning("Checkout session {Session} names no member of this portal (reference {Reference}); ignored.", session.Id, memberId);
            context.Ignore($"Checkout session {session.Id} names no member of this portal.");
            return;
        }

        var profile = await db.BillingProfiles.FindAsync([memberId], ct);
        if (profile is null)
        {
            profile = new BillingProfile { MemberId = memberId, Gateway = StripePaymentGateway.GatewayName };
            db.BillingProfiles.Add(profile);
        }
        else if (profile.CustomerId is { } previous && previous != session.CustomerId)
        {
            logger.LogWarning("Member {Member} moves from Stripe customer {Previous} to {Customer} after checkout {Session}.",
                memberId, previous, session.CustomerId, session.Id);
        }
        profile.Gateway = StripePaymentGateway.GatewayName;
        profile.CustomerId = session.CustomerId;
        profile.UpdatedAt = context.Now;

        var shipping = Shipping(session);
        if (session.SubscriptionId is not { Length: > 0 } subscriptionId || shipping is null)
            return;
        var record = await StripeLedger.FindRecordAsync(db, subscriptionId, ct)
            ?? throw new WebhookRetryLaterException($"Checkout {session.Id} collected an address for subscription {subscriptionId}, which is not recorded yet.");
        record.ShippingAddress = shipping;
    }

    private static ShippingAddress? Shipping(CheckoutSession session)
    {
        var details = session.CollectedInformation?.ShippingDetails;
        if (details?.Address is not StripeAddress { Line1.Length: > 0, City.Length: > 0, PostalCode.Length: > 0, Country.Length: 2 } address)
            return null;
        return new ShippingAddress
        {
            Name = Clip(details.Name ?? session.CustomerDetails?.Name ?? "", 120),
            Line1 = Clip(address.Line1, 200),
            Line2 = string.IsNullOrWhiteSpace(address.Line2) ? null : Clip(address.Line2, 200),
            City = Clip(address.City, 100),
            Region = string.IsNullOrWhiteSpace(address.State) ? null : Clip(address.State, 100),
            PostalCode = Clip(address.PostalCode, 20),
            Country = address.Country.ToUpperInvariant(),
        };
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
