using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing.UseCases;

/// <summary>
/// Adds an add-on now and charges its share of the rest of the current period. An add-on that ships (a kit) on a
/// subscription with no shipping address yet needs one: <paramref name="AddressId"/>, from the member's address book,
/// checked before anything is charged.
/// </summary>
public sealed record AddAddOn(string MemberId, Guid SubscriptionId, Guid PriceId, Guid? AddressId = null) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.ForMember("member.subscription", MemberId);
}

public sealed class AddAddOnHandler(BillingService billing, BillingSteps steps) : IUseCaseHandler<AddAddOn>
{
    public async Task<string> RunAsync(AddAddOn request, UseCaseScope uc)
    {
        var (db, ct, now, priceId) = (uc.Db, uc.Ct, uc.Now, request.PriceId);
        var sub = await BillingSteps.OwnSubscriptionAsync(uc, request.MemberId, request.SubscriptionId);
        if (!(await billing.AvailableAddOnsAsync(request.MemberId, request.SubscriptionId, ct)).Any(a => a.PriceId == priceId))
            throw new DomainException("That add-on cannot be added to this subscription.");
        var price = await db.Prices.SingleAsync(p => p.Id == priceId, ct);
        var product = await db.Products.SingleAsync(p => p.Id == price.ProductId, ct);
        if (product.NeedsShipping)
            await EnsureShipToAsync(db, request.MemberId, sub.Id, request.AddressId, ct);
        var share = BillingSteps.ProratedShare(sub, price.Terms, 1, now);
        var error = await steps.ChargeAsync(db, sub, share, $"addon:{sub.Id}:{sub.Version}:{priceId}", $"{product.Name} (rest of this period)", "subscription_update", now, ct);
        if (error is not null)
            throw new DomainException(error);
        sub.AddItem(price, 1, now);
        return BillingSteps.Done(uc, sub, $"{product.Name} added; {share.Display()} charged for the rest of this period.");
    }

    /// <summary>Gives the subscription a shipping address from the member's book when it has none (saved with the add-on).</summary>
    private static async Task EnsureShipToAsync(AppDbContext db, string memberId, Guid subscriptionId, Guid? addressId, CancellationToken ct)
    {
        var record = await db.SubscriptionRecords.SingleAsync(r => r.SubscriptionId == subscriptionId, ct);
        if (record.ShippingAddress is not null)
            return;
        var address = addressId is { } id ? await db.MemberAddresses.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.MemberId == memberId, ct) : null;
        if (address is null)
            throw new DomainException("A shipping address is needed for physical items: choose one of your addresses (add one under My addresses).");
        var postal = Boxes.AddressBook.ToPostal(address);
        var problems = AddressRules.Validate(postal, await Boxes.ShippingZones.CountriesAsync(db, ct));
        if (problems.Count > 0)
            throw new DomainException(string.Join(" ", problems));
        (record.AddressId, record.ShippingAddress) = (address.Id, Boxes.AddressBook.ToShipping(AddressRules.Normalize(postal)));
    }
}
