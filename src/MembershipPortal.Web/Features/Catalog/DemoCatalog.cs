using MembershipPortal.Domain.Catalog;
using MembershipPortal.Web.Features.Catalog.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Catalog;

public sealed record DemoSeedResult(int ProductsAdded, int PricesAdded, int CouponsAdded)
{
    public bool AddedNothing => ProductsAdded == 0 && PricesAdded == 0 && CouponsAdded == 0;
}

/// <summary>
/// A craft-club demo catalog: three membership tiers, a course, a tea box, two add-ons and a welcome coupon. Goes
/// through the catalog use cases (<see cref="SaveProduct"/>, <see cref="AddPrice"/>, <see cref="CreateCoupon"/>), so the demo obeys the Owner's rules. Idempotent by slug and coupon code: a
/// product that exists (even edited, hidden or with archived prices) is left alone, so running it again adds nothing.
/// </summary>
public static class DemoCatalog
{
    private sealed record DemoPrice(decimal Amount, BillingInterval Interval, int IntervalCount, string Nickname, int TrialDays = 0);

    private sealed record DemoProduct(ProductInput Input, DemoPrice[] Prices, string[] AttachToSlugs);

    public static async Task<DemoSeedResult> SeedAsync(CatalogService catalog, UseCaseRunner useCases, CancellationToken ct = default)
    {
        int products = 0, prices = 0, coupons = 0;
        foreach (var demo in Products())
        {
            if (await catalog.FindProductIdAsync(demo.Input.Slug, ct) is not null)
                continue;

            var attachTo = new List<Guid>();
            foreach (var slug in demo.AttachToSlugs)
                if (await catalog.FindProductIdAsync(slug, ct) is { } id)
                    attachTo.Add(id);
            demo.Input.AttachableTo = attachTo;

            var productId = Expect(await useCases.RunAsync(new SaveProduct(null, demo.Input), ct), demo.Input.Slug);
            products++;
            foreach (var p in demo.Prices)
            {
                Expect(await useCases.RunAsync(new AddPrice(productId, new PriceInput
                {
                    Amount = p.Amount,
                    Currency = "USD",
                    Interval = p.Interval,
                    IntervalCount = p.IntervalCount,
                    TrialDays = p.TrialDays,
                    Nickname = p.Nickname,
                }), ct), demo.Input.Slug);
                prices++;
            }
        }

        if (await catalog.FindCouponAsync("WELCOME10", ct) is null)
        {
            Expect(await useCases.RunAsync(new CreateCoupon(new CouponInput
            {
                Code = "WELCOME10",
                DiscountKind = CouponDiscountKind.Percent,
                Value = 10,
                Duration = CouponDuration.Repeating,
                DurationInMonths = 3,
            }), ct), "WELCOME10");
            coupons++;
        }
        return new DemoSeedResult(products, prices, coupons);
    }

    private static Guid Expect(Outcome result, string what) =>
        result is { Succeeded: true, Id: { } id } ? id : throw new InvalidOperationException($"Demo catalog: {what} was refused: {result.Message}");

    private static DemoPrice Monthly(decimal amount, int trialDays = 0) => new(amount, BillingInterval.Month, 1, "Monthly", trialDays);

    private static DemoPrice Yearly(decimal amount) => new(amount, BillingInterval.Year, 1, "Yearly");

    // Add-ons come last: they attach to products created before them.
    private static IEnumerable<DemoProduct> Products() =>
    [
        new(new ProductInput
        {
            Kind = ProductKind.Membership, Name = "Basic", Slug = "basic", Rank = 1, AllowPause = true,
            DescriptionMarkdown = """
                Everything you need to **start making**. Step-by-step tutorials, printable patterns and a friendly
                community to show your work to.

                - New written tutorials every week
                - Cancel or pause whenever you like
                """,
            FeaturesText = "Weekly written tutorials\nPrintable pattern library\nCommunity forum\nMonthly live Q&A replays",
        }, [Monthly(9), Yearly(90)], []),
        new(new ProductInput
        {
            Kind = ProductKind.Membership, Name = "Pro", Slug = "pro", Rank = 2, AllowPause = true,
            DescriptionMarkdown = """
                For makers who want to **grow faster**: a new video workshop every week and a seat at the live Q&A.
                Try it free for 7 days on the monthly plan.
                """,
            FeaturesText = "Everything in Basic\nA new video workshop every week\nJoin the live Q&A and ask questions\n10% off everything in the shop",
        }, [Monthly(19, trialDays: 7), Yearly(190)], []),
        new(new ProductInput
        {
            Kind = ProductKind.Membership, Name = "VIP", Slug = "vip", Rank = 3, AllowPause = true,
            DescriptionMarkdown = """
                The full studio experience: personal feedback on your work from our instructors every month, early
                access to every new course and free shipping on kits and boxes.
                """,
            FeaturesText = "Everything in Pro\nMonthly one-to-one feedback on your work\nEarly access to new courses\nFree shipping on kits and boxes",
        }, [Monthly(39), Yearly(390)], []),
        new(new ProductInput
        {
            Kind = ProductKind.Course, Name = "Watercolour Foundations", Slug = "watercolour-foundations", Rank = 1,
            DescriptionMarkdown = """
                ## Learn to paint with confidence

                Twelve weeks of short video lessons take you from your first wash to a finished landscape. A new
                module unlocks every week, your progress is saved, and you can revisit any lesson while enrolled.

                ### What you will learn

                1. Choosing paper, paints and brushes without overspending
                2. Washes, glazes and wet-into-wet
                3. Mixing a limited palette
                4. Light, shadow and composition
                5. Painting a complete landscape, start to finish

                *Pay monthly, or save with a quarter at a time.*
                """,
            FeaturesText = "36 video lessons in 12 weekly modules\nDownloadable practice sheets\nProgress saved across devices\nCertificate of completion",
        }, [Monthly(29), new DemoPrice(79, BillingInterval.Month, 3, "Quarterly")], []),
        new(new ProductInput
        {
            Kind = ProductKind.Box, Name = "Monthly Tea Box", Slug = "tea-box", Rank = 1, AllowPause = true,
            DescriptionMarkdown = """
                ## Four small-batch teas, every month

                Each box holds four loose-leaf teas from independent growers, tasting notes with brewing guides, and a
                seasonal treat. Boxes ship on the **1st of every month**; skip a month or pause whenever you travel.

                > "The best part of my month: a new favourite every time." — a member since 2024
                """,
            FeaturesText = "Four loose-leaf teas (about 40 cups)\nTasting notes and brewing guide\nA seasonal treat in every box\nFree delivery; skip or pause any month",
        }, [Monthly(25)], []),
        new(new ProductInput
        {
            Kind = ProductKind.AddOn, Name = "Mailed Craft Kit", Slug = "craft-kit", Rank = 1, AddOnBilling = AddOnBilling.Recurring, ShipsPhysically = true,
            DescriptionMarkdown = "Everything for the month's project in one box at your door: materials, tools and a printed guide.",
            FeaturesText = "All materials for the monthly project\nPrinted step-by-step guide\nShips with tracking",
        }, [Monthly(12)], ["basic", "pro", "vip"]),
        new(new ProductInput
        {
            Kind = ProductKind.AddOn, Name = "Extra Mug", Slug = "extra-mug", Rank = 2, AddOnBilling = AddOnBilling.OneTime, ShipsPhysically = true,
            DescriptionMarkdown = "A hand-thrown stoneware mug, glazed in this season's colour, packed in your next box.",
            FeaturesText = "Hand-thrown stoneware, 350 ml\nDishwasher safe",
        }, [new DemoPrice(15, BillingInterval.Month, 1, "One-time")], ["tea-box"]),
    ];
}
