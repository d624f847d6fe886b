using System.Net;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Catalog.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Catalog;

public sealed class CatalogPagesTests : IDisposable
{
    private const string Password = "a long enough passphrase";
    private readonly PortalFactory factory = new();

    private async Task<T> WithCatalogAsync<T>(Func<CatalogService, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CatalogService>());
    }

    private async Task SeedAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await DemoCatalog.SeedAsync(scope.ServiceProvider.GetRequiredService<CatalogService>(), scope.ServiceProvider.GetRequiredService<UseCaseRunner>());
    }

    private Task<Outcome> RunAsync<TRequest>(TRequest request) where TRequest : IUseCaseRequest => factory.RunAsAsync(null, request);

    [Fact]
    public async Task Pricing_AfterSeeding_ShowsTiersCoursesAndBoxesWithCheckoutLinks()
    {
        await SeedAsync();
        var pricing = await WithCatalogAsync(c => c.GetPricingAsync());
        var proMonthly = pricing.Memberships.Single(m => m.Slug == "pro").Monthly!;

        var response = await factory.CreateBrowserlessClient().GetAsync("/pricing");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var text in new[] { "Basic", "Pro", "VIP", "$19", "Most popular", "7-day free trial", "Watercolour Foundations", "Monthly Tea Box" })
            Assert.Contains(text, html);
        Assert.Contains($"/checkout?price={proMonthly.Id}", html);
        Assert.Contains("href=\"/products/tea-box\"", html);
        Assert.True(html.IndexOf(">Basic<", StringComparison.Ordinal) < html.IndexOf(">Pro<", StringComparison.Ordinal));
        Assert.True(html.IndexOf(">Pro<", StringComparison.Ordinal) < html.IndexOf(">VIP<", StringComparison.Ordinal));
        Assert.DoesNotContain("Mailed Craft Kit", html);
    }

    [Fact]
    public async Task Pricing_EmptyCatalog_ShowsFriendlyEmptyState()
    {
        var html = await factory.CreateBrowserlessClient().GetStringAsync("/pricing");
        Assert.Contains("data-testid=\"pricing-empty\"", html);
        Assert.Contains("Our plans open soon", html);
    }

    [Fact]
    public async Task ProductPage_TeaBox_ShowsDescriptionPricesAndAddOns()
    {
        await SeedAsync();
        var teaBox = await WithCatalogAsync(c => c.GetProductDetailsAsync("tea-box"));

        var response = await factory.CreateBrowserlessClient().GetAsync("/products/tea-box");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Monthly Tea Box", html);
        Assert.Contains("<strong>1st of every month</strong>", html);
        Assert.Contains($"/checkout?price={teaBox!.Product.Prices[0].Id}", html);
        Assert.Contains("Extra Mug", html);
        Assert.Contains("delivery address", html);
    }

    [Theory]
    [InlineData("/products/no-such-thing")]
    [InlineData("/products/hidden-tier")]
    public async Task ProductPage_UnknownOrHiddenSlug_404(string path)
    {
        await SeedAsync();
        await RunAsync(new SaveProduct(null, new ProductInput { Name = "Hidden", Slug = "hidden-tier", IsVisible = false }));

        var response = await factory.CreateBrowserlessClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProductPage_OwnerTextWithXssPayloads_RenderedInert()
    {
        const string payload = "<script>alert('xss')</script><img src=x onerror=alert(1)>";
        var id = (await RunAsync(new SaveProduct(null, new ProductInput
        {
            Kind = ProductKind.Box,
            Name = $"Box {payload}",
            Slug = "xss-box",
            DescriptionMarkdown = $"{payload}\n\n[click](javascript:alert(1))",
            FeaturesText = payload,
        }))).Id!.Value;
        await RunAsync(new AddPrice(id, new PriceInput { Amount = 10, Nickname = payload }));

        foreach (var path in new[] { "/products/xss-box", "/pricing" })
        {
            var html = await factory.CreateBrowserlessClient().GetStringAsync(path);
            Assert.Contains("Box &lt;script&gt;", html);
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.DoesNotContain("href=\"javascript:", html);
        }
    }

    [Theory]
    [InlineData("/admin/catalog")]
    [InlineData("/admin/catalog/coupons")]
    [InlineData("/admin/catalog/products/new")]
    public async Task AdminCatalog_PlainMember_RedirectedToAccessDenied(string path)
    {
        await factory.CreateUserAsync("member@example.test", Password);
        var client = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(client, "member@example.test", Password);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task AdminCatalog_Anonymous_RedirectedToLogin()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/admin/catalog");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [InlineData(PortalRoles.Owner)]
    [InlineData(PortalRoles.Staff)]
    public async Task AdminCatalog_OwnerOrStaff_SeesProductsAndCoupons(string role)
    {
        await SeedAsync();
        await factory.CreateUserAsync("admin@example.test", Password, role);
        var client = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(client, "admin@example.test", Password);

        var catalog = await client.GetAsync("/admin/catalog");
        var html = await catalog.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        foreach (var name in new[] { "Basic", "Pro", "VIP", "Watercolour Foundations", "Monthly Tea Box", "Mailed Craft Kit", "Extra Mug" })
            Assert.Contains(name, html);

        var coupons = await client.GetStringAsync("/admin/catalog/coupons");
        Assert.Contains("WELCOME10", coupons);
        Assert.Contains("10% off for 3 months", coupons);

        var basicId = await WithCatalogAsync(c => c.FindProductIdAsync("basic"));
        var editor = await client.GetStringAsync($"/admin/catalog/products/{basicId}");
        Assert.Contains("Add price", editor);
        Assert.Contains("$90", editor);
    }

    public void Dispose() => factory.Dispose();
}
