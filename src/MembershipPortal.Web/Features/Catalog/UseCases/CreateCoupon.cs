using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>A new coupon code (percent or amount off, once, for some months or for ever), optionally limited to some products.</summary>
public sealed record CreateCoupon(CouponInput Input) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.coupon.create", "coupon");
}

public sealed class CreateCouponHandler : IUseCaseHandler<CreateCoupon>
{
    public async Task<string> RunAsync(CreateCoupon request, UseCaseScope uc)
    {
        var (input, db, ct) = (request.Input, uc.Db, uc.Ct);
        ArgumentNullException.ThrowIfNull(input);
        var months = input.Duration == CouponDuration.Repeating ? input.DurationInMonths : null;
        CouponTerms terms;
        if (input.DiscountKind == CouponDiscountKind.Percent)
        {
            terms = CouponTerms.Percent(input.Code, input.Value, input.Duration, months);
        }
        else
        {
            var currency = (input.Currency ?? "").Trim().ToUpperInvariant();
            CatalogRules.Require(CatalogRules.CheckCurrency(currency), CatalogRules.CheckAmount(input.Value, currency, "The discount"));
            terms = CouponTerms.Amount(input.Code, Money.FromDecimal(input.Value, currency), input.Duration, months);
        }

        // The code works through the whole last day (UTC), so it expires at the following midnight.
        DateTimeOffset? expiresAt = input.LastDay is { } lastDay
            ? new DateTimeOffset(DateOnly.FromDateTime(lastDay).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;
        if (expiresAt <= uc.Now)
            throw new DomainException("The last day of the coupon has already passed; choose a later date or leave it empty.");

        var productIds = input.ProductIds.Distinct().ToList();
        if (productIds.Count > 0 && await db.Products.CountAsync(p => productIds.Contains(p.Id), ct) != productIds.Count)
            throw new DomainException("One of the products this coupon is restricted to no longer exists.");

        var coupon = Coupon.Create(terms, expiresAt, input.MaxRedemptions, productIds);
        var taken = $"There is already a coupon {coupon.Code} (codes ignore letter case); choose another code.";
        if (await db.Coupons.AnyAsync(c => EF.Property<string>(c, CatalogService.CouponCodeProperty) == coupon.Code, ct))
            throw new DomainException(taken);

        db.Coupons.Add(coupon);
        db.Entry(coupon).Property(CatalogService.CouponCodeProperty).CurrentValue = coupon.Code;
        uc.TargetId = coupon.Id;
        // Two people creating the same code at once: the unique index decides, and the second hears why.
        uc.ConflictMessage = taken;
        uc.AuditSummary = $"Created coupon {coupon.Code}";
        return $"Coupon {coupon.Code} created.";
    }
}
