using System.Net;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Tests.ContentAdmin;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>"What's in your box": the Owner or Staff describe a box's cycle on /admin/boxes; only that box's members read it.</summary>
public sealed class CycleContentTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private AuditActor Owner => fixture.OwnerActor; // a real Owner: every Owner/Staff write is checked against the database
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3];

    private async Task<T> Use<T>(Func<CycleContents, Task<T>> action)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CycleContents>());
    }

    private async Task<Guid> TeaBoxAsync()
    {
        await using var db = await fixture.Db();
        return await db.Prices.Where(p => p.Id == fixture.Catalog.BoxMonthly).Select(p => p.ProductId).SingleAsync();
    }

    /// <summary>A second box product (with a monthly price), so members of one box can be shown not to see the other's.</summary>
    private async Task<(Guid Product, Guid Price)> CoffeeBoxAsync()
    {
        await using var db = await fixture.Db();
        var coffee = new Product { Name = "Coffee Box", Slug = $"coffee-{Guid.NewGuid():N}"[..16], Kind = ProductKind.Box, CreatedAt = fixture.Factory.Clock.GetUtcNow() };
        var price = CatalogPrice.Create(coffee.Id, new PriceTerms(new Money(3000, "USD"), BillingInterval.Month));
        db.Products.Add(coffee);
        db.Prices.Add(price);
        await db.SaveChangesAsync();
        return (coffee.Id, price.Id);
    }

    private async Task<HttpClient> SignInAsync(string email)
    {
        var client = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, email, "a long member passphrase")).StatusCode);
        return client;
    }

    [Fact]
    public async Task Save_EditAndRead_BadInputAndNonAdminsChangeNothing()
    {
        var (box, _) = await CoffeeBoxAsync();
        var cycle = BoxTimeline.Open(fixture.Factory).Next();
        Assert.Empty(await Use(c => c.SaveAsync(box, cycle, new("Winter spices", "Warm **chai**.", "Chai, 50 g\n\n Rooibos \nHoney stick", null), Owner)));
        var saved = (await Use(c => c.GetAsync(box, cycle)))!;
        Assert.Equal(("Winter spices", "Warm **chai**.", null), (saved.Title, saved.DescriptionMarkdown, saved.ImageUrl));
        Assert.Equal(["Chai, 50 g", "Rooibos", "Honey stick"], saved.Contents);

        // Staff edit it too (the page's policy is Owner and Staff).
        Assert.Empty(await Use(c => c.SaveAsync(box, cycle, new("Winter spices II", null, "Honey stick\nChai, 50 g", null), fixture.StaffActor)));
        saved = (await Use(c => c.GetAsync(box, cycle)))!;
        Assert.Equal(("Winter spices II", (string?)null), (saved.Title, saved.DescriptionMarkdown));
        Assert.Equal(["Honey stick", "Chai, 50 g"], saved.Contents);

        var tooMany = string.Join("\n", Enumerable.Range(1, CycleContentRules.MaxLines + 1).Select(i => $"Item {i}"));
        var problems = await Use(c => c.SaveAsync(box, cycle, new("", new string('d', CycleContentRules.DescriptionMax + 1), tooMany, Guid.NewGuid()), Owner));
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Enter a title", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("The description can be at most 10,000 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("The contents list can have at most 30 lines (it has 31)", StringComparison.Ordinal));
        Assert.Contains("The picture is no longer there; upload it again.", problems);
        Assert.Contains(await Use(c => c.SaveAsync(box, cycle, new(new string('t', CycleContentRules.TitleMax + 1), null, null, null), Owner)),
            p => p.StartsWith("The title can be at most 120 characters", StringComparison.Ordinal));
        Assert.Equal(["Choose a box product."], await Use(c => c.SaveAsync(fixture.Catalog.ProProduct, cycle, new("Pro", null, null, null), Owner)));

        var member = new AuditActor(fixture.MemberId, "members.plain@example.test", "Member");
        Assert.Equal(["Only the Owner or Staff can describe a box."], await Use(c => c.SaveAsync(box, cycle, new("Mine now", null, null, null), member)));
        Assert.Equal("Only the Owner or Staff can describe a box.", await Use(c => c.RemoveAsync(box, cycle, member)));
        Assert.Equal("Only the Owner or Staff can describe a box.", (await Use(c => c.UploadImageAsync(new MemoryStream(Png), "box.png", member))).Error);
        Assert.Equal("Winter spices II", (await Use(c => c.GetAsync(box, cycle)))!.Title);
        await using (var db = await fixture.Db())
            Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "boxes.cycle-content" && e.TargetId == box.ToString()));

        Assert.Null(await Use(c => c.RemoveAsync(box, cycle, Owner)));
        Assert.Null(await Use(c => c.GetAsync(box, cycle)));
    }

    [Fact]
    public async Task AdminPage_MemberAndAnonymous_Refused_StaffOpens()
    {
        using var member = await BoxTimeline.SignedInAsync(fixture.Factory);
        using var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff);
        var refused = await member.GetAsync("/admin/fulfilment");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", refused.Headers.Location!.PathAndQuery);
        var anonymous = await fixture.Anonymous.GetAsync("/admin/fulfilment");
        Assert.StartsWith("/Account/Login", anonymous.Headers.Location!.PathAndQuery);
        Assert.Contains("data-testid=\"cycle-content\"", await staff.GetStringAsync("/admin/fulfilment"));
    }

    [Fact]
    public async Task UploadImage_OnlyRealImagesOfTheAllowedTypes()
    {
        var (png, none) = await Use(c => c.UploadImageAsync(new MemoryStream(Png), "box.png", Owner));
        Assert.Null(none);
        await using (var db = await fixture.Db())
        {
            var file = await db.StoredFiles.SingleAsync(f => f.Id == png);
            Assert.Equal(("box.png", "image/png", (long)Png.Length), (file.FileName, file.ContentType, file.Length));
        }
        Assert.Equal("That file is not a PNG image, whatever its name says.",
            (await Use(c => c.UploadImageAsync(new MemoryStream("<script>alert(1)</script>"u8.ToArray()), "box.png", Owner))).Error);
        Assert.Equal("The picture must be one of .png, .jpg, .jpeg, .webp.",
            (await Use(c => c.UploadImageAsync(new MemoryStream("<svg/>"u8.ToArray()), "box.svg", Owner))).Error);
        Assert.Equal("The picture must be one of .png, .jpg, .jpeg, .webp.",
            (await Use(c => c.UploadImageAsync(new MemoryStream("%PDF-1.7"u8.ToArray()), "box.pdf", Owner))).Error);
    }

    [Fact]
    public async Task MemberPage_ShowsOnlyTheirBoxsContent_UpcomingAndSent_PictureOnlyForTheirBox()
    {
        var tea = await TeaBoxAsync();
        var (coffee, coffeePrice) = await CoffeeBoxAsync();
        var cycle = BoxTimeline.Open(fixture.Factory);
        var teaMember = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        var coffeeMember = await fixture.BuyerAsync(coffeePrice);
        var (picture, _) = await Use(c => c.UploadImageAsync(new MemoryStream(Png), "tea.png", Owner));
        Assert.Empty(await Use(c => c.SaveAsync(tea, cycle, new("Tea: winter spices", "A *warming* month.", "Chai, 50 g\nRooibos", picture), Owner)));
        Assert.Empty(await Use(c => c.SaveAsync(coffee, cycle, new("Coffee: Ethiopian beans", null, "Yirgacheffe, 250 g", null), Owner)));
        Assert.Empty(await Use(c => c.SaveAsync(tea, cycle.Next(), new("Tea: spring greens", null, "Sencha", null), Owner)));

        using var teaClient = await SignInAsync(teaMember.Email);
        using var coffeeClient = await SignInAsync(coffeeMember.Email);
        var teaPage = await teaClient.GetStringAsync("/account/boxes");
        var month = new DateTime(cycle.Year, cycle.Month, 1).ToString("MMMM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"What's in your {month} box", InertHtml.TextOf(teaPage, "upcoming-content-heading"));
        Assert.Equal("Tea: winter spices", InertHtml.TextOf(teaPage, "box-content-title"));
        Assert.Contains("<em>warming</em>", teaPage);
        Assert.Contains($"src=\"/files/{picture}\"", teaPage);
        Assert.DoesNotContain("Coffee: Ethiopian beans", teaPage);
        Assert.DoesNotContain("Tea: spring greens", teaPage); // not their upcoming box yet
        var coffeePage = await coffeeClient.GetStringAsync("/account/boxes");
        Assert.Equal("Coffee: Ethiopian beans", InertHtml.TextOf(coffeePage, "box-content-title"));
        Assert.DoesNotContain("Tea: winter spices", coffeePage);

        var image = await teaClient.GetAsync($"/files/{picture}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await coffeeClient.GetAsync($"/files/{picture}")).StatusCode);
        using (var stranger = await BoxTimeline.SignedInAsync(fixture.Factory))
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/files/{picture}")).StatusCode);
        using (var staff = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Staff))
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/files/{picture}")).StatusCode);

        // Once the box is sent its content stays with it, and the next cycle's is the upcoming one.
        BoxTimeline.PastCutoff(fixture.Factory, cycle);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var shipments = scope.ServiceProvider.GetRequiredService<ShipmentService>();
        await shipments.GenerateAsync(tea, cycle);
        using var later = await SignInAsync(teaMember.Email);
        var sentPage = await later.GetStringAsync("/account/boxes");
        Assert.Equal("Tea: winter spices", InertHtml.TextOf(sentPage, "past-box-title"));
        Assert.Equal("Tea: spring greens", InertHtml.TextOf(sentPage, "box-content-title"));
        var box = Assert.Single(await shipments.MemberBoxesAsync(teaMember.Id));
        Assert.Equal([cycle.ToString(), cycle.Next().ToString()], box.Contents.Keys.Order());
    }

    [Fact]
    public async Task EveryXssPayload_InTitleDescriptionAndContents_RendersInert_ForMemberAndAdmin()
    {
        var box = await TeaBoxAsync();
        Guid shownToAdmin; // /admin/boxes opens on the first box by name and its latest closed cycle
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
            shownToAdmin = (await scope.ServiceProvider.GetRequiredService<ShipmentService>().BoxProductsAsync())[0].Id;
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BoxMonthly);
        using var member = await SignInAsync(buyer.Email);
        using var owner = await BoxTimeline.SignedInAsync(fixture.Factory, PortalRoles.Owner);
        var payloads = StoredXssFixture.ReadPayloads();
        Assert.Equal(110, payloads.Count);
        var failures = new List<string>();
        foreach (var (payload, line) in payloads.Select((p, i) => (p, i + 1)))
        {
            var open = BoxTimeline.Open(fixture.Factory);
            var title = Clip(payload, CycleContentRules.TitleMax);
            var input = new CycleContentInput(title, StoredXssFixture.Body(payload), $"{Clip(payload, CycleContentRules.LineMax)}\nTea", null);
            Assert.Empty(await Use(c => c.SaveAsync(box, open, input, Owner)));
            Assert.Empty(await Use(c => c.SaveAsync(shownToAdmin, open.Previous(), input, Owner)));

            var memberPage = await member.GetStringAsync("/account/boxes");
            Assert.Equal(title, InertHtml.TextOf(memberPage, "box-content-title"));
            Assert.Equal(Clip(payload, CycleContentRules.LineMax), InertHtml.TextOf(memberPage, "box-content-item"));
            var adminPage = await owner.GetStringAsync("/admin/fulfilment");
            Assert.Contains(InertHtml.Parse(adminPage).QuerySelectorAll("[data-testid='cycle-content-title'] input, input[data-testid='cycle-content-title']"),
                e => e.GetAttribute("value") == title);
            failures.AddRange(InertHtml.Problems(memberPage).Select(p => $"line {line} /account/boxes: {p}"));
            failures.AddRange(InertHtml.Problems(adminPage).Select(p => $"line {line} /admin/boxes: {p}"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Clip(string text, int max) => text.Trim() is var t && t.Length > max ? t[..max].Trim() : t;
}
