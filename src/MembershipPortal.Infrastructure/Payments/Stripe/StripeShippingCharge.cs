using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Infrastructure.Payments.Stripe;

/// <summary>
/// What Stripe bills a subscription for shipping on each invoice (the recurring line on <see cref="StripePaymentGateway.ShippingProductId"/>
/// our checkout added), in the subscription's currency's minor units, as last seen in its webhook. Kept in the key/value
/// settings table: the skip credit gives it back for a skipped box, and the "next charge" shows it.
/// </summary>
public static class StripeShippingCharge
{
    private static string Key(Guid subscriptionId) => $"stripe-shipping:{subscriptionId:N}";

    /// <summary>Zero when Stripe bills no shipping for the subscription (or it was never recorded).</summary>
    public static async Task<long> GetAsync(AppDbContext db, Guid subscriptionId, CancellationToken ct)
    {
        var key = Key(subscriptionId);
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor) ? minor : 0;
    }

    /// <summary>Records the amount (in the caller's unit of work); a subscription that never had shipping gets no row.</summary>
    public static async Task SetAsync(AppDbContext db, Guid subscriptionId, long minor, DateTimeOffset now, CancellationToken ct)
    {
        var key = Key(subscriptionId);
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null)
        {
            if (minor <= 0)
                return;
            db.Settings.Add(new PortalSetting { Key = key, Value = minor.ToString(System.Globalization.CultureInfo.InvariantCulture), UpdatedAt = now });
            return;
        }
        row.Value = Math.Max(0, minor).ToString(System.Globalization.CultureInfo.InvariantCulture);
        row.UpdatedAt = now;
    }
}
