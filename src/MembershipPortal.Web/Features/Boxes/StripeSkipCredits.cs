using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>
/// Skips on Stripe-billed box subscriptions. Stripe renews those, so a skipped box becomes a credit (a negative invoice
/// item) for the box and the add-ons that ship in it, which Stripe takes off the subscription's next invoice; taking the
/// skip back before the cut-off deletes the credit. The test gateway needs none of this: its own renewal leaves the
/// skipped box off (<see cref="BoxRenewals"/>). Quarterly and yearly boxes are paid up front, so a skip only stops the box.
/// </summary>
public sealed class StripeSkipCredits(IPaymentGateway gateway)
{
    /// <summary>Adds the credits for new skips to <paramref name="skips"/>; null when done (or nothing to do), else why not (and nothing was credited).</summary>
    public async Task<string?> CreditAsync(AppDbContext db, Guid subscriptionId, IReadOnlyList<BoxSkip> skips, CancellationToken ct)
    {
        if (skips.Count == 0)
            return null;
        var record = await db.SubscriptionRecords.AsNoTracking().FirstOrDefaultAsync(r => r.SubscriptionId == subscriptionId, ct);
        if (record is not { Gateway: StripePaymentGateway.GatewayName, GatewaySubscriptionId: { Length: > 0 } gatewaySubscription })
            return null;
        var sub = await db.Subscriptions.AsNoTracking().Include(s => s.Items).FirstAsync(s => s.Id == subscriptionId, ct);
        if (!BoxRenewals.IsMonthly(sub))
            return null;
        var shipping = (await BoxRenewals.ShippingProductsAsync(db, sub, ct)).Select(p => p.Id).ToHashSet();
        // The box, its mailed add-ons and the shipping Stripe bills with them: a skipped box costs nothing, as on the test gateway.
        var amount = sub.Items.Where(i => shipping.Contains(i.ProductId)).Sum(i => i.Terms.Amount.Minor * i.Quantity)
            + await StripeShippingCharge.GetAsync(db, subscriptionId, ct);
        if (amount <= 0)
            return null;
        var customer = await db.BillingProfiles.AsNoTracking().Where(p => p.MemberId == sub.MemberId).Select(p => p.CustomerId).FirstOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(customer))
            return "Your payment details are not linked yet; please try again in a minute.";

        var made = new List<string>();
        try
        {
            foreach (var skip in skips)
            {
                skip.GatewayCreditId = await gateway.CreditNextInvoiceAsync(new InvoiceCreditRequest(customer, gatewaySubscription,
                    new Money(amount, sub.Currency), $"{skip.Cycle} box skipped", $"box-skip-credit:{subscriptionId:N}:{skip.Cycle}"), ct);
                made.Add(skip.GatewayCreditId);
            }
            return null;
        }
        catch (Exception ex) when (ex is PaymentGatewayException or HttpRequestException)
        {
            // All or nothing: credits already made for this request are taken back.
            foreach (var id in made)
            {
                try
                { await gateway.RemoveCreditAsync(id, ct); }
                catch (Exception) when (!ct.IsCancellationRequested) { }
            }
            return $"The skip could not be passed to the payment provider, so nothing changed: {ex.Message}";
        }
    }

    /// <summary>Takes a skip's credit back; null when gone (or there was none), else why the skip has to stay.</summary>
    public async Task<string?> RemoveAsync(BoxSkip skip, CancellationToken ct)
    {
        if (skip.GatewayCreditId is not { } id)
            return null;
        try
        {
            return await gateway.RemoveCreditAsync(id, ct)
                ? null
                : $"The {skip.Cycle} box's credit is already on an invoice; the skip stays.";
        }
        catch (PaymentGatewayException ex)
        {
            return $"The payment provider did not take the skip back, so it stays: {ex.Message}";
        }
    }
}
