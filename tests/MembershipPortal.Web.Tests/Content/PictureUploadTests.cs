using System.Net;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Content;

/// <summary>
/// Product images and course covers are uploaded, not only linked: checked like the logo (type, first bytes, size),
/// stored, and served by /files/{id} to everyone once a public page shows them, and to nobody else before.
/// </summary>
public sealed class PictureUploadTests : IClassFixture<PictureUploadTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public PortalFactory Factory { get; } = new();
        public TestCatalog Catalog { get; private set; } = null!;
        public AuditActor Owner { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Catalog = await TestCatalog.CreateAsync(Factory);
            var owner = await Factory.CreateUserAsync("pictures.owner@example.test", "a long owner passphrase", PortalRoles.Owner);
            Owner = new AuditActor(owner.Id, owner.Email!, PortalRoles.Owner);
        }

        public async Task<AppDbContext> Db() => await Factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        public Task<(Guid? FileId, string? Error)> UploadAsync(byte[] bytes, string name, AuditActor? actor = null, long? length = null) =>
            Factory.Services.GetRequiredService<ImageUploads>().SaveAsync(new MemoryStream(bytes), name, length, actor ?? Owner, "a product");

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3];
    private readonly Fixture fixture;

    public PictureUploadTests(Fixture fixture) => this.fixture = fixture;

    [Fact]
    public async Task ProductImage_PrivateUntilAVisibleProductShowsIt_ThenPublic_AndHiddenAgainWithTheProduct()
    {
        var (id, error) = await fixture.UploadAsync(Png, "ornament.png");
        Assert.Null(error);
        var url = ImageUploads.UrlFor(id!.Value);
        var anonymous = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url)).StatusCode);

        await using (var db = await fixture.Db())
        {
            var product = await db.Products.SingleAsync(p => p.Id == fixture.Catalog.ProProduct);
            product.ImageUrl = url;
            await db.SaveChangesAsync();
        }
        var shown = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal("image/png", shown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await shown.Content.ReadAsByteArrayAsync());

        await using (var db = await fixture.Db())
        {
            var product = await db.Products.SingleAsync(p => p.Id == fixture.Catalog.ProProduct);
            product.IsVisible = false;
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task CourseCover_IsPublicOncePublished()
    {
        var (id, _) = await fixture.UploadAsync(Png, "cover.png");
        var url = ImageUploads.UrlFor(id!.Value);
        await using (var db = await fixture.Db())
        {
            db.Courses.Add(new Infrastructure.Content.Course
            {
                Title = "Socks",
                Slug = $"socks-{Guid.NewGuid():N}",
                CoverImageUrl = url,
                PublishAt = fixture.Factory.Clock.GetUtcNow().AddDays(-1),
            });
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await fixture.Factory.CreateBrowserlessClient().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task RenamedPage_WrongType_Oversized_OrAMember_AreRefused_AndNothingIsStored()
    {
        await using var before = await fixture.Db();
        var files = await before.StoredFiles.CountAsync();

        Assert.Equal("That file is not a PNG image, whatever its name says.", (await fixture.UploadAsync("<script>alert(1)</script>"u8.ToArray(), "x.png")).Error);
        Assert.Equal("The picture must be one of .png, .jpg, .jpeg, .webp.", (await fixture.UploadAsync("<svg/>"u8.ToArray(), "x.svg")).Error);
        Assert.Equal("A picture can be at most 5 MB; this one is 6 MB.", (await fixture.UploadAsync(Png, "big.png", length: 6 * 1024 * 1024)).Error);
        // A stream longer than it claimed is cut off at the limit.
        var huge = new byte[ImageUploads.MaxBytes + 1];
        Png.CopyTo(huge, 0);
        Assert.Equal("A picture can be at most 5 MB.", (await fixture.UploadAsync(huge, "huge.png")).Error);
        Assert.Equal("Only the Owner or Staff can upload pictures.",
            (await fixture.UploadAsync(Png, "x.png", new AuditActor("member-id", "m@example.test", "Member"))).Error);

        await using var after = await fixture.Db();
        Assert.Equal(files, await after.StoredFiles.CountAsync());
    }
}
