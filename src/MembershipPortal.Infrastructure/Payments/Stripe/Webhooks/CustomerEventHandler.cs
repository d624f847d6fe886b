using Microsoft.EntityFrameworkCore;
using StripeCard = Stripe.Card;
using StripeCustomer = Stripe.Customer;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// customer.updated: refreshes the card summary shown to the member when the event carries the card (an expanded default
/// payment method, or a legacy default card source). The portal's login email is never taken from Stripe.
/// </summary>
internal sealed class CustomerEventHandler : IStripeEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["customer.updated"];

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        var customer = context.Object<StripeCustomer>();
        var profile = await context.Db.BillingProfiles.FirstOrDefaultAsync(p => p.CustomerId == customer.Id, ct);
        if (profile is null) return;

        var (brand, last4, month, year) = customer.InvoiceSettings?.DefaultPaymentMethod?.Card is { } card
            ? (card.DisplayBrand ?? card.Brand, card.Last4, card.ExpMonth, card.ExpYear)
            : customer.DefaultSource is StripeCard source
                ? (source.Brand, source.Last4, source.ExpMonth, source.ExpYear)
                : default;
        if (last4 is not { Length: 4 }) return;

        profile.CardBrand = brand is null ? null : brand.Length <= 24 ? brand : brand[..24];
        profile.CardLast4 = last4;
        profile.CardExpMonth = (int)month;
        profile.CardExpYear = (int)year;
        profile.UpdatedAt = context.Now;
    }
}
