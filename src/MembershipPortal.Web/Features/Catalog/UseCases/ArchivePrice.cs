using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>Stops selling a price to new buyers; subscriptions already on it keep renewing on it (grandfathering).</summary>
public sealed record ArchivePrice(Guid PriceId) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.price.archive", "product");
}

public sealed class ArchivePriceHandler : IUseCaseHandler<ArchivePrice>
{
    public async Task<string> RunAsync(ArchivePrice request, UseCaseScope uc)
    {
        var price = await uc.Db.Prices.SingleOrDefaultAsync(p => p.Id == request.PriceId, uc.Ct)
            ?? throw new DomainException("This price no longer exists.");
        price.Archive(uc.Now);
        (uc.TargetId, uc.AuditTargetId) = (price.Id, price.ProductId.ToString());
        uc.AuditSummary = $"Archived the {price.Terms.Amount.Display()} price";
        return "Price archived: new buyers no longer see it; existing subscribers keep it.";
    }
}
