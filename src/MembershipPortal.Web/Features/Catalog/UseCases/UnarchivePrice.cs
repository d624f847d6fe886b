using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>Puts an archived price on sale again.</summary>
public sealed record UnarchivePrice(Guid PriceId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.price.unarchive", "product");
}

public sealed class UnarchivePriceHandler : IUseCaseHandler<UnarchivePrice>
{
    public async Task<string> RunAsync(UnarchivePrice request, UseCaseScope uc)
    {
        var price = await uc.Db.Prices.SingleOrDefaultAsync(p => p.Id == request.PriceId, uc.Ct)
            ?? throw new DomainException("This price no longer exists.");
        price.Unarchive();
        (uc.TargetId, uc.AuditTargetId) = (price.Id, price.ProductId.ToString());
        uc.AuditSummary = $"Restored the {price.Terms.Amount.Display()} price";
        return "Price is on sale again.";
    }
}
