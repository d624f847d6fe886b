using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>Creates a product (<see cref="Id"/> empty) or updates one; a product with prices keeps its kind.</summary>
public sealed record SaveProduct(Guid? Id, ProductInput Input) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget(Id is null ? "catalog.product.create" : "catalog.product.update", "product", Id?.ToString());
}

public sealed class SaveProductHandler : IUseCaseHandler<SaveProduct>
{
    public async Task<string> RunAsync(SaveProduct request, UseCaseScope uc)
    {
        var (input, id, db, ct) = (request.Input, request.Id, uc.Db, uc.Ct);
        ArgumentNullException.ThrowIfNull(input);
        var name = (input.Name ?? "").Trim();
        var slug = (input.Slug ?? "").Trim();
        var imageUrl = string.IsNullOrWhiteSpace(input.ImageUrl) ? null : input.ImageUrl.Trim();
        CatalogRules.Require(
            CatalogRules.CheckName(name), CatalogRules.CheckSlug(slug), CatalogRules.CheckRank(input.Rank),
            CatalogRules.CheckDescription(input.DescriptionMarkdown), CatalogRules.CheckImageUrl(imageUrl),
            CatalogRules.CheckFeatures(input.FeaturesText),
            Enum.IsDefined(input.Kind) ? null : "Choose what kind of product this is.",
            input.Kind != ProductKind.AddOn || Enum.IsDefined(input.AddOnBilling) ? null : "Choose whether the add-on is recurring or one-time.",
            !CatalogService.HasCycle(input) || (input.BoxCutoffDay is >= 1 and <= 31 && input.BoxShipDay is >= 1 and <= 31 && input.BoxShipDay >= input.BoxCutoffDay)
                ? null : "Cut-off and ship days are days of the month (1-31), and parcels ship on or after the cut-off day.");

        Product product;
        if (id is { } existingId)
        {
            product = await db.Products.SingleOrDefaultAsync(p => p.Id == existingId, ct)
                ?? throw new DomainException("This product no longer exists.");
            if (product.Kind != input.Kind && await db.Prices.AnyAsync(p => p.ProductId == existingId, ct))
                throw new DomainException($"This product already has prices, so it stays a {KindName(product.Kind)}; create a new product instead.");
        }
        else
        {
            product = new Product { Name = name, Slug = slug, CreatedAt = uc.Now };
            db.Products.Add(product);
        }

        if (await db.Products.AnyAsync(p => p.Slug == slug && p.Id != product.Id, ct))
            throw new DomainException(SlugTaken(slug));

        var attachTo = input.Kind == ProductKind.AddOn ? input.AttachableTo.Distinct().ToList() : [];
        if (attachTo.Count > 0)
        {
            var targets = await db.Products.Where(p => attachTo.Contains(p.Id)).Select(p => p.Kind).ToListAsync(ct);
            if (targets.Count != attachTo.Count)
                throw new DomainException("One of the products to attach this add-on to no longer exists.");
            if (targets.Contains(ProductKind.AddOn))
                throw new DomainException("An add-on attaches to memberships, courses or boxes, not to another add-on.");
        }

        product.Kind = input.Kind;
        product.Name = name;
        product.Slug = slug;
        product.DescriptionMarkdown = input.DescriptionMarkdown ?? "";
        product.ImageUrl = imageUrl;
        product.Features = CatalogRules.ParseFeatures(input.FeaturesText).ToList();
        product.Rank = input.Rank;
        product.IsVisible = input.IsVisible;
        product.AllowPause = input.AllowPause;
        if (CatalogService.HasCycle(input))
            (product.BoxCutoffDay, product.BoxShipDay) = (input.BoxCutoffDay, input.BoxShipDay);
        product.AddOnBilling = input.Kind == ProductKind.AddOn ? input.AddOnBilling : null;
        product.ShipsPhysically = input.Kind == ProductKind.AddOn && input.ShipsPhysically;
        product.AttachableTo = attachTo;
        uc.TargetId = product.Id;
        // Another save may take the slug between the check and this one; the unique index then refuses ours.
        uc.ConflictMessage = SlugTaken(slug);
        uc.AuditSummary = $"{(id is null ? "Created" : "Updated")} {KindName(product.Kind)} “{name}” (/{slug})";
        return $"Saved “{name}”.";
    }

    private static string SlugTaken(string slug) => $"Another product already uses the slug '{slug}'; choose a different one.";

    private static string KindName(ProductKind kind) => kind == ProductKind.AddOn ? "add-on" : kind.ToString().ToLowerInvariant();
}
