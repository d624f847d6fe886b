using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>A new price for a product (one-time for a one-time add-on); the <see cref="Outcome.Id"/> is the price's, the audit entry the product's.</summary>
public sealed record AddPrice(Guid ProductId, PriceInput Input) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.price.add", "product", ProductId.ToString());
}

public sealed class AddPriceHandler : IUseCaseHandler<AddPrice>
{
    public async Task<string> RunAsync(AddPrice request, UseCaseScope uc)
    {
        ArgumentNullException.ThrowIfNull(request.Input);
        var product = await uc.Db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.ProductId, uc.Ct)
            ?? throw new UseCaseRefused("This product no longer exists.");
        var oneTime = product is { Kind: ProductKind.AddOn, AddOnBilling: AddOnBilling.OneTime };
        if (CatalogRules.TryTerms(request.Input, oneTime, out var error) is not { } terms)
            throw new UseCaseRefused(error!);

        var price = CatalogPrice.Create(product.Id, terms);
        uc.Db.Prices.Add(price);
        uc.Db.Entry(price).Property(CatalogService.NicknameProperty).CurrentValue = string.IsNullOrWhiteSpace(request.Input.Nickname) ? null : request.Input.Nickname.Trim();
        uc.TargetId = price.Id;
        uc.AuditSummary = $"Added price {terms.Amount.Display()} every {terms.IntervalCount} {terms.Interval.ToString().ToLowerInvariant()}(s) to “{product.Name}”";
        return $"Added price {terms.Amount.Display()} to “{product.Name}”.";
    }
}
