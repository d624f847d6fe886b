using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>Removes a coupon so nobody new can redeem it; subscriptions already discounted keep their copy of its terms.</summary>
public sealed record DeleteCoupon(Guid CouponId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.coupon.delete", "coupon", CouponId.ToString());
}

public sealed class DeleteCouponHandler : IUseCaseHandler<DeleteCoupon>
{
    public async Task<string> RunAsync(DeleteCoupon request, UseCaseScope uc)
    {
        var coupon = await uc.Db.Coupons.SingleOrDefaultAsync(c => c.Id == request.CouponId, uc.Ct)
            ?? throw new UseCaseRefused("This coupon no longer exists.");
        var code = uc.Db.Entry(coupon).Property(CatalogService.CouponCodeProperty).CurrentValue;
        uc.Db.Coupons.Remove(coupon);
        uc.TargetId = coupon.Id;
        uc.AuditSummary = $"Deleted coupon {code}";
        return $"Coupon {coupon.Code} deleted.";
    }
}
