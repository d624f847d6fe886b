using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using static MembershipPortal.Web.Features.Content.Admin.ContentRules;

namespace MembershipPortal.Web.Features.Content.Admin.UseCases;

/// <summary>
/// A new course and the product that sells it, in one step and one save: a course product of the same name and slug
/// with <see cref="Price"/>, visible on the pricing page, and the course opened to holders of that product. Either all
/// three are written or, with a clear message per problem, none.
/// </summary>
public sealed record CreateCourseForSale(CourseDraft Draft, PriceInput Price) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("course.create", "course");
}

/// <summary>The product and its price get their own audit entries (as if made in the catalog), saved with the course's.</summary>
public sealed class CreateCourseForSaleHandler(AuditLog audit) : IUseCaseHandler<CreateCourseForSale>
{
    public async Task<string> RunAsync(CreateCourseForSale request, UseCaseScope uc)
    {
        var (draft, price, db) = (request.Draft, request.Price, uc.Db);
        if (draft.Id is not null)
            throw new UseCaseRefused("Only a new course is created together with its product.");
        var errors = new List<string>();
        var values = await SaveCourseHandler.CheckAsync(db, draft, errors, uc.Ct);
        string? priceError = null;
        var terms = price.Amount <= 0 ? null : CatalogRules.TryTerms(price, oneTime: false, out priceError);
        if (price.Amount <= 0)
            errors.Add("Give the course a price above zero to sell it, or turn selling off and choose who can open it.");
        else if (terms is null)
            errors.Add(priceError ?? "That price cannot be used.");
        if (values.Slug.Length > 0 && await db.Products.AnyAsync(p => p.Slug == values.Slug, uc.Ct))
            errors.Add($"A product already uses the slug “{values.Slug}”: change the course's slug, or sell it through that product.");
        ThrowIfAny(errors);

        var product = new Product
        {
            Kind = ProductKind.Course,
            Name = values.Title,
            Slug = values.Slug,
            DescriptionMarkdown = values.Teaser.Length > 0 ? values.Teaser : values.Description,
            ImageUrl = values.Cover,
            IsVisible = true,
            CreatedAt = uc.Now,
        };
        db.Products.Add(product);
        db.Prices.Add(CatalogPrice.Create(product.Id, terms!));
        var course = new Course { Title = values.Title, Slug = values.Slug, CreatedAt = uc.Now };
        db.Courses.Add(course);
        SaveCourseHandler.Apply(course, values, AccessLevel.Products, [product.Id]);
        audit.Add(db, uc.Actor, "catalog.product.create", $"Created course product “{values.Title}” (/products/{values.Slug}) to sell a course", "product", product.Id.ToString());
        audit.Add(db, uc.Actor, "catalog.price.add", $"Added price {terms!.Amount.Display()} to “{values.Title}”", "product", product.Id.ToString());
        uc.TargetId = course.Id;
        uc.ConflictMessage = SlugTaken(values.Slug, "course or product");
        uc.AuditSummary = $"Created course “{values.Title}” (/courses/{values.Slug}), sold by its own product";
        return "Course created with the product that sells it.";
    }
}
