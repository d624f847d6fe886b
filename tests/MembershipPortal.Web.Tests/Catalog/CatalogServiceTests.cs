using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Catalog.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Catalog;

/// <summary>One portal for the class (tests in a class run one at a time); each test starts from an empty catalog.</summary>
public sealed class CatalogServiceTests : IClassFixture<PortalFactory>, IDisposable
{
    private readonly PortalFactory factory;
    private readonly AsyncServiceScope scope;
    private readonly CatalogService catalog;

    public CatalogServiceTests(PortalFactory factory)
    {
        this.factory = factory;
        scope = factory.Services.CreateAsyncScope();
        catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        using var db = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        db.Prices.ExecuteDelete();
        db.Coupons.ExecuteDelete();
        db.Products.ExecuteDelete();
    }

    /// <summary>Runs a catalog use case as the system (no one signed in outside a request), as the demo seeding does.</summary>
    private Task<Outcome> RunAsync<TRequest>(TRequest request) where TRequest : IUseCaseRequest => factory.RunAsAsync(null, request);

    /// <summary>Runs <see cref="SetMostPopular"/>: null when saved, else the reason it was refused.</summary>
    private async Task<string?> SetPopularAsync(PopularChoice choice) => await RunAsync(new SetMostPopular(choice)) is { Succeeded: false } refused ? refused.Message : null;

    private static ProductInput Membership(string name, string slug, int rank = 1) => new() { Kind = ProductKind.Membership, Name = name, Slug = slug, Rank = rank };

    private static PriceInput Monthly(decimal amount, string currency = "USD") => new() { Amount = amount, Currency = currency };

    private async Task<Guid> CreateAsync(ProductInput input)
    {
        var result = await RunAsync(new SaveProduct(null, input));
        Assert.True(result.Succeeded, result.Message);
        return result.Id!.Value;
    }

    private async Task<Guid> AddPriceAsync(Guid productId, PriceInput input)
    {
        var result = await RunAsync(new AddPrice(productId, input));
        Assert.True(result.Succeeded, result.Message);
        return result.Id!.Value;
    }

    private async Task<(int Products, int Prices, int Coupons)> CountsAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return (await db.Products.CountAsync(), await db.Prices.CountAsync(), await db.Coupons.CountAsync());
    }

    [Fact]
    public async Task CreateProduct_DuplicateSlug_RefusedWithMessageAndNothingWritten()
    {
        await CreateAsync(Membership("Basic", "basic"));
        var before = await CountsAsync();

        var result = await RunAsync(new SaveProduct(null, Membership("Another basic", "basic")));

        Assert.False(result.Succeeded);
        Assert.Contains("already uses the slug 'basic'", result.Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task MailedKit_HasItsOwnCutoffAndShipDay_CheckedAsForABox()
    {
        var kit = new ProductInput { Kind = ProductKind.AddOn, Name = "Ornament kit", Slug = "ornament-kit", AddOnBilling = AddOnBilling.Recurring, ShipsPhysically = true, BoxCutoffDay = 5, BoxShipDay = 9 };
        var id = await CreateAsync(kit);
        var saved = (await catalog.GetProductInputAsync(id))!;
        Assert.Equal((5, 9), (saved.BoxCutoffDay, saved.BoxShipDay));

        kit.BoxShipDay = 3; // before its own cut-off
        var result = await RunAsync(new SaveProduct(id, kit));

        Assert.False(result.Succeeded);
        Assert.Contains("parcels ship on or after the cut-off day", result.Message);
        Assert.Equal(9, (await catalog.GetProductInputAsync(id))!.BoxShipDay);
    }

    [Fact]
    public async Task MostPopular_TheOwnersChoice_NoneOrAutomatic_AHiddenChoiceFallsBackToTheMiddleTier()
    {
        foreach (var (name, slug, rank) in new[] { ("Basic", "basic", 1), ("Pro", "pro", 2), ("VIP", "vip", 3) })
            await AddPriceAsync(await CreateAsync(Membership(name, slug, rank)), Monthly(rank * 10));
        var hidden = Membership("Secret", "secret", 4);
        hidden.IsVisible = false;
        var secret = await CreateAsync(hidden);
        await AddPriceAsync(secret, Monthly(99));
        var vip = (await catalog.GetPricingAsync()).Memberships.Single(m => m.Name == "VIP").Id;
        async Task<string?> PopularName() => (await catalog.GetPricingAsync()) is var p && p.MostPopularId is { } id ? p.Memberships.Single(m => m.Id == id).Name : null;
        try
        {
            Assert.Equal("Pro", await PopularName()); // never chosen: the middle tier

            Assert.Null(await SetPopularAsync(new PopularChoice(false, vip)));
            Assert.Equal("VIP", await PopularName());
            Assert.Null(await SetPopularAsync(PopularChoice.Parse("none")));
            Assert.Null(await PopularName());
            Assert.Null(await SetPopularAsync(new PopularChoice(false, secret)));
            Assert.Equal("Pro", await PopularName()); // hidden: not marked, the middle tier is
            Assert.Equal("Choose one of your memberships, none, or automatic.", await SetPopularAsync(new PopularChoice(false, Guid.NewGuid())));
            Assert.Equal(secret, (await catalog.PopularAsync()).ProductId); // the refused choice changed nothing
        }
        finally
        {
            await SetPopularAsync(PopularChoice.Automatic);
        }
    }

    [Fact]
    public async Task SetMostPopular_Staff_AuditedOnce_TheSameChoiceAgainChangesNothing_AMemberIsRefused()
    {
        var pro = await CreateAsync(Membership("Pro", "pro", 2));
        async Task<AuditActor> ActorAsync(string role)
        {
            var email = $"popular.{role}.{Guid.NewGuid():N}@example.test";
            var user = await factory.CreateUserAsync(email, "a long member passphrase", role == "member" ? null : role);
            return new AuditActor(user.Id, email, role);
        }
        var staff = await ActorAsync(PortalRoles.Staff);
        var member = await ActorAsync("member");
        try
        {
            Assert.Equal(Outcome.Ok("Saved: the pricing page shows it within a few seconds."), await factory.RunAsAsync(staff, new SetMostPopular(new PopularChoice(false, pro))));
            Assert.True((await factory.RunAsAsync(staff, new SetMostPopular(new PopularChoice(false, pro)))).Succeeded);
            Assert.False((await factory.RunAsAsync(member, new SetMostPopular(PopularChoice.Parse("none")))).Succeeded);

            Assert.Equal(pro, (await catalog.PopularAsync()).ProductId); // read at once on this instance; the refusal changed nothing
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == "catalog.most-popular" && (e.ActorId == staff.Id || e.ActorId == member.Id)).ToListAsync());
            Assert.Equal((staff.Id, "setting", PopularChoice.SettingKey, pro.ToString()), (entry.ActorId, entry.TargetType, entry.TargetId, entry.After));
        }
        finally
        {
            await SetPopularAsync(PopularChoice.Automatic);
        }
    }

    [Fact]
    public async Task UpdateProduct_SlugOfAnotherProduct_RefusedAndUnchanged()
    {
        await CreateAsync(Membership("Basic", "basic"));
        var pro = await CreateAsync(Membership("Pro", "pro", 2));

        var result = await RunAsync(new SaveProduct(pro, Membership("Pro", "basic", 2)));

        Assert.Contains("already uses the slug", result.Message);
        Assert.Equal("pro", (await catalog.GetProductInputAsync(pro))!.Slug);
    }

    [Theory]
    [InlineData("Tea-Box")]
    [InlineData("tea box")]
    [InlineData("tea_box")]
    [InlineData("-tea")]
    [InlineData("tea--box")]
    [InlineData("")]
    public async Task CreateProduct_InvalidSlug_RefusedAndNothingWritten(string slug)
    {
        var result = await RunAsync(new SaveProduct(null, Membership("Tea", slug)));

        Assert.False(result.Succeeded);
        Assert.Contains("slug", result.Message);
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task CreateProduct_AddOn_KeepsAddOnSettingsAndFeatureLines()
    {
        var basic = await CreateAsync(Membership("Basic", "basic"));
        var id = await CreateAsync(new ProductInput
        {
            Kind = ProductKind.AddOn,
            Name = "Kit",
            Slug = "kit",
            AddOnBilling = AddOnBilling.Recurring,
            ShipsPhysically = true,
            AttachableTo = [basic],
            FeaturesText = "Materials\r\n\n  Printed guide  \n",
        });

        var saved = await catalog.GetProductInputAsync(id);
        Assert.Equal([basic], saved!.AttachableTo);
        Assert.True(saved.ShipsPhysically);
        Assert.Equal("Materials\nPrinted guide", saved.FeaturesText);
    }

    [Fact]
    public async Task CreateProduct_AddOnAttachedToAnotherAddOn_Refused()
    {
        var kit = await CreateAsync(new ProductInput { Kind = ProductKind.AddOn, Name = "Kit", Slug = "kit" });

        var result = await RunAsync(new SaveProduct(null, new ProductInput { Kind = ProductKind.AddOn, Name = "Mug", Slug = "mug", AttachableTo = [kit] }));

        Assert.Contains("not to another add-on", result.Message);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/x.png")]
    [InlineData("https://example.test/a\".png")]
    public async Task CreateProduct_UnsafeImageUrl_Refused(string url)
    {
        var input = Membership("Basic", "basic");
        input.ImageUrl = url;

        Assert.Contains("image", (await RunAsync(new SaveProduct(null, input))).Message);
    }

    [Fact]
    public async Task UpdateProduct_KindChangeOnceItHasPrices_Refused()
    {
        var id = await CreateAsync(Membership("Basic", "basic"));
        await AddPriceAsync(id, Monthly(9));
        var input = Membership("Basic", "basic");
        input.Kind = ProductKind.Box;

        Assert.Contains("stays a membership", (await RunAsync(new SaveProduct(id, input))).Message);
    }

    public static TheoryData<PriceInput, string> InvalidPrices => new()
    {
        { new PriceInput { Amount = -1 }, "cannot be negative" },
        { new PriceInput { Amount = 9.999m }, "more decimals than USD" },
        { new PriceInput { Amount = 9, Currency = "US" }, "three-letter currency" },
        { new PriceInput { Amount = 9, Currency = "U$D" }, "three-letter currency" },
        { new PriceInput { Amount = 9, IntervalCount = 0 }, "Renew every 1 to 36 months" },
        { new PriceInput { Amount = 9, Interval = BillingInterval.Year, IntervalCount = 4 }, "Renew every 1 to 3 years" },
        { new PriceInput { Amount = 9, Interval = (BillingInterval)42 }, "how often" },
        { new PriceInput { Amount = 9, TrialDays = -1 }, "Trial days" },
        { new PriceInput { Amount = 9, SetupFee = -5 }, "setup fee cannot be negative" },
        { new PriceInput { Amount = 2_000_000 }, "less than" },
    };

    [Theory]
    [MemberData(nameof(InvalidPrices))]
    public async Task AddPrice_InvalidTerms_RefusedWithMessageAndNothingWritten(PriceInput input, string message)
    {
        var id = await CreateAsync(Membership("Basic", "basic"));

        var result = await RunAsync(new AddPrice(id, input));

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message);
        Assert.Empty(await catalog.ListPricesAsync(id));
    }

    [Fact]
    public async Task AddPrice_QuarterlyWithTrialAndSetupFee_StoredAsEntered()
    {
        var id = await CreateAsync(Membership("Basic", "basic"));

        var priceId = await AddPriceAsync(id, new PriceInput
        {
            Amount = 49.5m,
            Currency = "eur",
            Interval = BillingInterval.Month,
            IntervalCount = 3,
            TrialDays = 14,
            SetupFee = 10,
            Nickname = " Quarterly ",
        });

        var price = await catalog.GetPriceAsync(priceId);
        Assert.Equal(4950, price!.Terms.Amount.Minor);
        Assert.Equal("EUR", price.Terms.Currency);
        Assert.Equal((BillingInterval.Month, 3, 14), (price.Terms.Interval, price.Terms.IntervalCount, price.Terms.TrialDays));
        Assert.Equal(1000, price.Terms.SetupFee!.Value.Minor);
        Assert.Equal("Quarterly", price.Nickname);
    }

    [Fact]
    public async Task AddPrice_UnknownProduct_Refused() =>
        Assert.Contains("no longer exists", (await RunAsync(new AddPrice(Guid.NewGuid(), Monthly(9)))).Message);

    // Grandfathering: an archived price leaves the public catalog but subscribers' renewals still load it by id.
    [Fact]
    public async Task ArchivePrice_HiddenFromPricingButStillLoadableById()
    {
        var basic = await CreateAsync(Membership("Basic", "basic"));
        var monthly = await AddPriceAsync(basic, Monthly(9));
        var yearly = await AddPriceAsync(basic, new PriceInput { Amount = 90, Interval = BillingInterval.Year });
        factory.Clock.Advance(TimeSpan.FromDays(3));

        Assert.True((await RunAsync(new ArchivePrice(monthly))).Succeeded);

        var tier = Assert.Single((await catalog.GetPricingAsync()).Memberships);
        Assert.Equal([yearly], tier.Prices.Select(p => p.Id));
        var archived = await catalog.GetPriceAsync(monthly);
        Assert.True(archived!.IsArchived);
        Assert.Equal(factory.Clock.GetUtcNow(), archived.ArchivedAt);
        Assert.Equal(900, archived.Terms.Amount.Minor);
        Assert.Equal(2, (await catalog.ListPricesAsync(basic)).Count);
    }

    [Fact]
    public async Task ArchivePrice_LastCurrentPrice_TakesTheProductOffPricingUntilUnarchived()
    {
        var basic = await CreateAsync(Membership("Basic", "basic"));
        var monthly = await AddPriceAsync(basic, Monthly(9));

        await RunAsync(new ArchivePrice(monthly));
        Assert.True((await catalog.GetPricingAsync()).IsEmpty);
        Assert.Contains("already archived", (await RunAsync(new ArchivePrice(monthly))).Message);

        Assert.True((await RunAsync(new UnarchivePrice(monthly))).Succeeded);
        Assert.Equal("Basic", Assert.Single((await catalog.GetPricingAsync()).Memberships).Name);
        Assert.Contains("not archived", (await RunAsync(new UnarchivePrice(monthly))).Message);
    }

    [Fact]
    public async Task GetPricing_VisibleProductsWithPrices_MembershipsByRankThenCoursesAndBoxes()
    {
        foreach (var (name, slug, rank) in new[] { ("VIP", "vip", 3), ("Basic", "basic", 1), ("Pro", "pro", 2) })
            await AddPriceAsync(await CreateAsync(Membership(name, slug, rank)), Monthly(rank * 10));
        var hidden = Membership("Secret", "secret", 4);
        hidden.IsVisible = false;
        await AddPriceAsync(await CreateAsync(hidden), Monthly(99));
        await CreateAsync(Membership("No price yet", "no-price", 5));
        await AddPriceAsync(await CreateAsync(new ProductInput { Kind = ProductKind.Course, Name = "Course", Slug = "course" }), Monthly(29));
        await AddPriceAsync(await CreateAsync(new ProductInput { Kind = ProductKind.Box, Name = "Box", Slug = "box" }), Monthly(25));
        await AddPriceAsync(await CreateAsync(new ProductInput { Kind = ProductKind.AddOn, Name = "Kit", Slug = "kit" }), Monthly(12));

        var pricing = await catalog.GetPricingAsync();

        Assert.Equal(["Basic", "Pro", "VIP"], pricing.Memberships.Select(m => m.Name));
        Assert.Equal("Pro", pricing.Memberships.Single(m => m.Id == pricing.MostPopularId).Name);
        Assert.Equal("Course", Assert.Single(pricing.Courses).Name);
        Assert.Equal("Box", Assert.Single(pricing.Boxes).Name);
        Assert.True(Assert.Single(pricing.Boxes).NeedsShipping);
    }

    [Fact]
    public async Task GetProductDetails_HiddenOrUnknownSlug_Null()
    {
        var hidden = Membership("Secret", "secret");
        hidden.IsVisible = false;
        await CreateAsync(hidden);

        Assert.Null(await catalog.GetProductDetailsAsync("secret"));
        Assert.Null(await catalog.GetProductDetailsAsync("nothing-here"));
    }

    [Fact]
    public async Task CreateCoupon_CodeInAnyCase_FoundAndStoredUpperCase()
    {
        var result = await RunAsync(new CreateCoupon(new CouponInput
        {
            Code = " welcome10 ",
            Value = 10,
            Duration = CouponDuration.Repeating,
            DurationInMonths = 3,
        }));
        Assert.True(result.Succeeded, result.Message);

        foreach (var typed in new[] { "WELCOME10", "welcome10", "Welcome10 " })
            Assert.Equal(result.Id, (await catalog.FindCouponAsync(typed))?.Id);
        var coupon = Assert.Single(await catalog.ListCouponsAsync());
        Assert.Equal("WELCOME10", coupon.Code);
        Assert.Equal("10% off for 3 months", coupon.Discount);
        Assert.Null(await catalog.FindCouponAsync("WELCOME11"));
    }

    [Fact]
    public async Task CreateCoupon_SameCodeInOtherCase_RefusedAndNothingWritten()
    {
        await RunAsync(new CreateCoupon(new CouponInput { Code = "SPRING", Value = 20 }));

        var result = await RunAsync(new CreateCoupon(new CouponInput { Code = "spring", DiscountKind = CouponDiscountKind.Amount, Value = 5 }));

        Assert.Contains("already a coupon SPRING", result.Message);
        Assert.Equal(1, (await CountsAsync()).Coupons);
    }

    [Fact]
    public async Task CreateCoupon_AmountOffWithLimitsAndProducts_ShownInList()
    {
        var box = await CreateAsync(new ProductInput { Kind = ProductKind.Box, Name = "Tea box", Slug = "tea-box" });

        var result = await RunAsync(new CreateCoupon(new CouponInput
        {
            Code = "TEA5",
            DiscountKind = CouponDiscountKind.Amount,
            Value = 5,
            Currency = "usd",
            Duration = CouponDuration.Forever,
            LastDay = new DateTime(2026, 12, 31),
            MaxRedemptions = 100,
            ProductIds = [box],
        }));

        Assert.True(result.Succeeded, result.Message);
        var coupon = Assert.Single(await catalog.ListCouponsAsync());
        Assert.Equal(("$5.00 off forever", 100, 0), (coupon.Discount, coupon.MaxRedemptions!.Value, coupon.TimesRedeemed));
        Assert.Equal(["Tea box"], coupon.ProductNames);
        // The code works through the whole last day, so it expires at the next midnight (UTC).
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), coupon.ExpiresAt);
        Assert.False(coupon.IsExpired);
    }

    public static TheoryData<CouponInput, string> InvalidCoupons => new()
    {
        { new CouponInput { Code = "BAD CODE", Value = 10 }, "not a valid coupon code" },
        { new CouponInput { Code = "TOOMUCH", Value = 120 }, "between 1 and 100" },
        { new CouponInput { Code = "NOMONTHS", Value = 10, Duration = CouponDuration.Repeating }, "at least one month" },
        { new CouponInput { Code = "FREE", DiscountKind = CouponDiscountKind.Amount, Value = 0 }, "must be positive" },
        { new CouponInput { Code = "PAST", Value = 10, LastDay = new DateTime(2026, 11, 22) }, "already passed" },
        { new CouponInput { Code = "NOBODY", Value = 10, MaxRedemptions = 0 }, "at least 1" },
        { new CouponInput { Code = "GHOST", Value = 10, ProductIds = [Guid.NewGuid()] }, "no longer exists" },
    };

    [Theory]
    [MemberData(nameof(InvalidCoupons))]
    public async Task CreateCoupon_InvalidInput_RefusedWithMessageAndNothingWritten(CouponInput input, string message)
    {
        var result = await RunAsync(new CreateCoupon(input));

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message);
        Assert.Equal(0, (await CountsAsync()).Coupons);
    }

    [Fact]
    public async Task DeleteCoupon_RemovesIt_AndTheCodeCanBeUsedAgain()
    {
        var id = (await RunAsync(new CreateCoupon(new CouponInput { Code = "ONCE", Value = 10 }))).Id!.Value;

        Assert.True((await RunAsync(new DeleteCoupon(id))).Succeeded);
        Assert.Null(await catalog.FindCouponAsync("once"));
        Assert.True((await RunAsync(new CreateCoupon(new CouponInput { Code = "once", Value = 15 }))).Succeeded);
        Assert.Contains("no longer exists", (await RunAsync(new DeleteCoupon(id))).Message);
    }

    public void Dispose() => scope.Dispose();
}
