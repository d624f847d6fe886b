using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Admin;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Boxes;

/// <summary>How <see cref="BoxRenewals.WaiverAsync"/> treats a skip not yet bound to the renewal.</summary>
public enum SkipBinding
{
    /// <summary>A retry: only the skip bound at the first attempt counts.</summary>
    BoundOnly,

    /// <summary>A renewal's first attempt: an unused skip that waives it is bound to it.</summary>
    BindNew,

    /// <summary>A look ahead: the skip the first attempt would bind, left unbound.</summary>
    Preview,
}

/// <summary>A renewal's box waived by a skip: which cycle, and the items not charged (the box and the add-ons that ship in it).</summary>
public sealed record BoxWaiver(CycleKey Cycle, Guid BoxProductId, string BoxName, IReadOnlySet<Guid> ProductIds);

/// <summary>
/// Where box skips meet the test gateway's renewals (<see cref="SkipCredit"/>): finds the skip that waives the renewal of a
/// monthly box subscription's next period and binds it to that period, so the first attempt and every retry of that renewal
/// leave out the same items and a skip is used once. Subscriptions on other cadences pay for their boxes up front; a skip
/// only stops the box.
/// </summary>
public sealed class BoxRenewals(BusinessSettings business)
{
    /// <param name="binding">A renewal's first attempt binds an unused skip to it; retries only find the one bound; a preview
    /// (the billing page, the renewal reminder) finds the skip the first attempt would bind, and binds nothing.</param>
    public async Task<BoxWaiver?> WaiverAsync(AppDbContext db, Subscription sub, SkipBinding binding, CancellationToken ct = default)
    {
        if (!IsMonthly(sub))
            return null;
        var shipping = await ShippingProductsAsync(db, sub, ct);
        // The parcel's product: the box, else a membership's or course's mailed kit (ShipmentPlan); a skipped kit is not charged either.
        var box = shipping.FirstOrDefault(p => p.Kind == ProductKind.Box) ?? shipping.FirstOrDefault();
        if (box is null)
            return null;

        var periodStart = sub.CurrentPeriodEnd;
        var skips = await db.BoxSkips.Where(s => s.SubscriptionId == sub.Id && (s.WaivedPeriodStart == null || s.WaivedPeriodStart == periodStart)).ToListAsync(ct);
        var bound = skips.FirstOrDefault(s => s.WaivedPeriodStart == periodStart);
        if (bound is null && binding != SkipBinding.BoundOnly)
        {
            var schedule = ShipmentService.Schedule(box, await business.TimeZoneAsync(ct));
            var unused = skips.Where(s => s.WaivedPeriodStart is null && CycleKey.TryParse(s.Cycle, out _)).ToList();
            if (SkipCredit.SkipWaiving(SkipCredit.CyclePaidBy(schedule, periodStart), unused.Select(s => CycleKey.Parse(s.Cycle))) is { } cycle)
            {
                bound = unused.First(s => s.Cycle == cycle.ToString());
                if (binding == SkipBinding.BindNew)
                    bound.WaivedPeriodStart = periodStart;
            }
        }
        return bound is null ? null : new BoxWaiver(CycleKey.Parse(bound.Cycle), box.Id, box.Name, shipping.Select(p => p.Id).ToHashSet());
    }

    /// <summary>Monthly boxes pay for each box at its renewal; other cadences pay up front, so a skip only stops the box.</summary>
    internal static bool IsMonthly(Subscription sub) =>
        sub.Items.Count > 0 && sub.Items[0].Terms is { Interval: BillingInterval.Month, IntervalCount: 1 };

    /// <summary>The subscription's products that a skip leaves out: the box and the add-ons that ship in it.</summary>
    internal static Task<List<Product>> ShippingProductsAsync(AppDbContext db, Subscription sub, CancellationToken ct)
    {
        var productIds = sub.Items.Select(i => i.ProductId).ToList();
        return db.Products.AsNoTracking()
            .Where(p => productIds.Contains(p.Id) && (p.Kind == ProductKind.Box || (p.Kind == ProductKind.AddOn && p.ShipsPhysically))).ToListAsync(ct);
    }
}
