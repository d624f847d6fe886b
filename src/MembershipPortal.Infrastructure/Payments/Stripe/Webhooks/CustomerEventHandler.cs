using System.Text.Json;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeCard = Stripe.Card;
using StripeCustomer = Stripe.Customer;

namespace MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;

/// <summary>
/// customer.updated: refreshes the card summary shown to the member. Stripe's events name the default payment method
/// (and a legacy default card source) by id, not as objects, so for a customer of ours the card is read through the
/// Stripe adapter before the transaction; an expanded object in the event is used as it is. The portal's login email is
/// never taken from Stripe.
/// </summary>
internal sealed class CustomerEventHandler(ILogger<CustomerEventHandler> logger, IDbContextFactory<AppDbContext> dbFactory, IServiceProvider services)
    : IStripeEventHandler, IStripeEventPreparer
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["customer.updated"];

    public async Task<object?> PrepareAsync(StripeWebhookEvent stripeEvent, CancellationToken ct)
    {
        var customer = stripeEvent.Data!.Object;
        if (!NamesCardById(customer) || !customer.TryGetProperty("id", out var id) || id.GetString() is not { Length: > 0 } customerId)
            return null;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await StripeLedger.MemberForCustomerAsync(db, customerId, ct) is null)
                return null;
        try
        {
            return await services.GetRequiredService<StripePaymentGateway>().GetCustomerCardAsync(customerId, ct);
        }
        catch (Exception ex) when (ex is PaymentGatewayException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not read the card of Stripe customer {Customer}: {Reason}. The card shown is unchanged.", customerId, ex.Message);
            return null;
        }
    }

    /// <summary>The default payment method or default source is an id (the object would carry the card itself).</summary>
    private static bool NamesCardById(JsonElement customer) =>
        customer.TryGetProperty("invoice_settings", out var settings) && settings.ValueKind == JsonValueKind.Object
            && settings.TryGetProperty("default_payment_method", out var method) && method.ValueKind == JsonValueKind.String
        || customer.TryGetProperty("default_source", out var source) && source.ValueKind == JsonValueKind.String;

    public async Task HandleAsync(StripeEventContext context, CancellationToken ct)
    {
        var customer = context.Object<StripeCustomer>();
        var profile = await context.Db.BillingProfiles.FirstOrDefaultAsync(p => p.CustomerId == customer.Id, ct);
        if (profile is null)
        {
            context.Ignore($"Customer {customer.Id} is not linked to a member of this portal.");
            return;
        }

        var card = context.Prepared as CardSummary
            ?? (customer.InvoiceSettings?.DefaultPaymentMethod?.Card is { } expanded
                ? Card(expanded.DisplayBrand ?? expanded.Brand, expanded.Last4, expanded.ExpMonth, expanded.ExpYear)
                : customer.DefaultSource is StripeCard source
                    ? Card(source.Brand, source.Last4, source.ExpMonth, source.ExpYear)
                    : null);
        if (card is null)
            return;

        profile.CardBrand = card.Brand;
        profile.CardLast4 = card.Last4;
        profile.CardExpMonth = card.ExpMonth;
        profile.CardExpYear = card.ExpYear;
        profile.UpdatedAt = context.Now;
    }

    private static CardSummary? Card(string? brand, string? last4, long month, long year) =>
        last4 is { Length: 4 } ? new CardSummary(brand is null ? null : brand.Length <= 24 ? brand : brand[..24], last4, (int)month, (int)year) : null;
}
