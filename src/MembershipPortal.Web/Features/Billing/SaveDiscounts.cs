using System.Globalization;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>
/// Accepted save-offer discounts, one per subscription, kept in the key/value settings table (no schema change): the
/// test gateway's renewals take them off (<see cref="RenewalRun"/>), and with Stripe the same terms are a repeating coupon
/// on the Stripe subscription, so the "next charge" shown agrees with Stripe's invoice.
/// </summary>
public static class SaveDiscounts
{
    private static string Key(Guid subscriptionId) => $"save-discount:{subscriptionId:N}";

    public static async Task<SaveDiscount?> GetAsync(AppDbContext db, Guid subscriptionId, CancellationToken ct)
    {
        var key = Key(subscriptionId);
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
        var parts = value?.Split('|');
        return parts is { Length: 3 }
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var months)
            && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
            && percent is >= 1 and <= 100 && months is >= 1 and <= 12
                ? new SaveDiscount(percent, months, DateTimeOffset.FromUnixTimeSeconds(start))
                : null;
    }

    /// <summary>Adds the accepted offer to the caller's unit of work.</summary>
    public static void Add(AppDbContext db, Guid subscriptionId, SaveDiscount offer, DateTimeOffset now) =>
        db.Settings.Add(new PortalSetting
        {
            Key = Key(subscriptionId),
            Value = string.Create(CultureInfo.InvariantCulture, $"{offer.Percent}|{offer.Months}|{offer.FirstPeriodStart.ToUnixTimeSeconds()}"),
            UpdatedAt = now,
        });
}
