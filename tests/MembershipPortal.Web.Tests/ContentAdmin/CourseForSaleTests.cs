using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.ContentAdmin;

/// <summary>Creating a course offers to create the product that sells it, in the same step: all of it is written, or none.</summary>
public sealed class CourseForSaleTests(ContentAdminFixture fixture) : IClassFixture<ContentAdminFixture>
{
    private readonly string unique = Guid.NewGuid().ToString("N")[..8];

    private CourseDraft Draft(string? slug = null) => new()
    {
        Title = "Sock school",
        Slug = slug ?? $"sock-school-{unique}",
        Teaser = "From cuff to toe.",
        PublishAt = fixture.Factory.Clock.GetUtcNow(),
        Access = AccessLevel.Members,
    };

    [Fact]
    public async Task NewCourseForSale_CreatesTheCourseProductAndItsPrice_AndOpensTheCourseToItsBuyers()
    {
        var result = await fixture.RunAsync(new CreateCourseForSale(Draft(), new PriceInput { Amount = 29m, Currency = "USD", Interval = BillingInterval.Month }));
        Assert.True(result.Succeeded, result.Message);

        await using var db = await fixture.DbAsync();
        var course = await db.Courses.SingleAsync(c => c.Id == result.Id);
        var product = await db.Products.SingleAsync(p => p.Slug == course.Slug);
        Assert.Equal((ProductKind.Course, "Sock school", true, "From cuff to toe."), (product.Kind, product.Name, product.IsVisible, product.DescriptionMarkdown));
        var price = await db.Prices.SingleAsync(p => p.ProductId == product.Id);
        Assert.Equal((2900L, "USD", BillingInterval.Month), (price.Terms.Amount.Minor, price.Terms.Currency, price.Terms.Interval));
        Assert.Equal(AccessLevel.Products, course.Access);
        Assert.Equal([product.Id], course.RequiredProductIds);
        var actions = await db.AuditEntries.Where(e => e.TargetId == product.Id.ToString() || e.TargetId == course.Id.ToString()).Select(e => e.Action).ToListAsync();
        Assert.Equal(["catalog.price.add", "catalog.product.create", "course.create"], actions.Order());
    }

    [Fact]
    public async Task BadPrice_OrASlugAProductHas_WritesNothing_AndSaysWhy()
    {
        await using var before = await fixture.DbAsync();
        var counts = (await before.Courses.CountAsync(), await before.Products.CountAsync(), await before.Prices.CountAsync());

        var free = await fixture.RunAsync(new CreateCourseForSale(Draft(), new PriceInput { Amount = 0m, Currency = "USD" }));
        Assert.False(free.Succeeded);
        Assert.Equal("Give the course a price above zero to sell it, or turn selling off and choose who can open it.", free.Message);

        var taken = await fixture.RunAsync(new CreateCourseForSale(Draft(), new PriceInput { Amount = 29m, Currency = "USD" }));
        Assert.True(taken.Succeeded);
        var again = await fixture.RunAsync(new CreateCourseForSale(Draft($"sock-school-{unique}"), new PriceInput { Amount = 29m, Currency = "USD" }));
        Assert.False(again.Succeeded);
        Assert.Contains("A product already uses the slug", again.Message, StringComparison.Ordinal);

        await using var after = await fixture.DbAsync();
        Assert.Equal((counts.Item1 + 1, counts.Item2 + 1, counts.Item3 + 1), (await after.Courses.CountAsync(), await after.Products.CountAsync(), await after.Prices.CountAsync()));
    }
}
