using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Cli;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Catalog;

public sealed class DemoCatalogTests : IDisposable
{
    private readonly PortalFactory factory = new();

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        var code = await PortalCli.RunAsync(args, new CliConsole(writer, writer, TextReader.Null, true), _ => ValueTask.FromResult(new CommandServices(factory.Services)));
        return (code, writer.ToString().Trim());
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var products = await db.Products.OrderBy(p => p.Slug).Select(p => p.Slug).ToListAsync();
        var content = await db.ContentItems.OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync();
        return $"{string.Join(",", products)} | {string.Join(",", content)} | {await db.Lessons.CountAsync()} lessons | {await db.Prices.CountAsync()} prices | {await db.Coupons.CountAsync()} coupons";
    }

    [Fact]
    public async Task SeedDemo_RunTwice_SecondRunAddsNothing()
    {
        var first = await RunAsync("seed-demo", "--members", "20", "--months", "3");
        var afterFirst = await SnapshotAsync();
        var second = await RunAsync("seed-demo", "--members", "20", "--months", "3");

        Assert.Equal(PortalCli.Ok, first.Item1);
        Assert.StartsWith("Demo catalog added: 7 products, 11 prices, 1 coupon.", first.Item2);
        Assert.Equal(PortalCli.Ok, second.Item1);
        Assert.StartsWith("Demo catalog already present; nothing added.", second.Item2);
        Assert.Contains("Demo content added: 3 library items, 1 course.", first.Item2);
        Assert.Contains("Demo content already present; nothing added.", second.Item2);
        Assert.Contains("colour-mixing-cheat-sheet,masterclass-wet-on-wet-skies,welcome-to-the-studio | 4 lessons", afterFirst);
        Assert.EndsWith("Demo history already present; nothing imported.", second.Item2);
        foreach (var slug in new[] { "basic", "craft-kit", "extra-mug", "pro", "tea-box", "vip", "watercolour-foundations" })
            Assert.Contains(slug, afterFirst);
        Assert.EndsWith("| 1 coupons", afterFirst);
        Assert.Equal(afterFirst, await SnapshotAsync());
    }

    [Fact]
    public async Task SeedDemo_WithArguments_Exit2()
    {
        var (code, output) = await RunAsync("seed-demo", "--force");
        Assert.Equal(PortalCli.BadArguments, code);
        Assert.StartsWith("Unrecognized command or argument '--force'.", output);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public async Task Seed_CraftClubCatalog_TiersPricesAndAddOnsAsSpecified()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        await DemoCatalog.SeedAsync(catalog, scope.ServiceProvider.GetRequiredService<UseCaseRunner>());

        var pricing = await catalog.GetPricingAsync();
        Assert.Equal(["Basic 900/9000", "Pro 1900/19000", "VIP 3900/39000"],
            pricing.Memberships.Select(m => $"{m.Name} {m.Monthly!.Terms.Amount.Minor}/{m.Yearly!.Terms.Amount.Minor}"));
        Assert.Equal(7, pricing.Memberships.Single(m => m.Slug == "pro").Monthly!.Terms.TrialDays);
        Assert.Equal(16, pricing.Memberships[0].YearlySavingsPercent);
        Assert.Equal("Watercolour Foundations", Assert.Single(pricing.Courses).Name);
        Assert.True(Assert.Single(pricing.Boxes).NeedsShipping);

        var basic = await catalog.GetProductDetailsAsync("basic");
        Assert.Equal(["Mailed Craft Kit"], basic!.AddOns.Select(a => a.Name));
        Assert.True(basic.AddOns[0].NeedsShipping);
        var teaBox = await catalog.GetProductDetailsAsync("tea-box");
        Assert.Equal([("Extra Mug", AddOnBilling.OneTime)], teaBox!.AddOns.Select(a => (a.Name, a.AddOnBilling!.Value)));
        Assert.Empty((await catalog.GetProductDetailsAsync("watercolour-foundations"))!.AddOns);
        Assert.Equal(["Basic", "Pro", "VIP"], (await catalog.GetProductDetailsAsync("craft-kit"))!.AttachesTo.Select(h => h.Name));

        var welcome = await catalog.FindCouponAsync("welcome10");
        Assert.Equal("10% off for 3 months", welcome!.Discount);
    }

    public void Dispose() => factory.Dispose();
}
