using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class ShipmentPlanTests
{
    private static readonly Guid Membership = Guid.NewGuid();
    private static readonly Guid Box = Guid.NewGuid();
    private static readonly Guid Kit = Guid.NewGuid();
    private static readonly Guid Mug = Guid.NewGuid();
    private static readonly DateTimeOffset Cutoff = new(2026, 12, 13, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Cutoff.AddHours(1);
    private static readonly EligibilityRules Strict = new(ShipPastDueInGrace: false, GraceDays: 7);
    private static readonly EligibilityRules Lenient = new(ShipPastDueInGrace: true, GraceDays: 7);

    private static PlanItem Item(string name, int quantity = 1) => name switch
    {
        "membership" => new(Membership, ProductKind.Membership, false, quantity),
        "course" => new(Guid.Empty, ProductKind.Course, false, quantity),
        "box" => new(Box, ProductKind.Box, false, quantity),
        "kit" => new(Kit, ProductKind.AddOn, true, quantity),
        "digital" => new(Mug, ProductKind.AddOn, false, quantity),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static PlanItem[] Items(string items) => [.. items.Split('+').Select(n => Item(n))];

    private static PlanSubscription Sub(string items, SubscriptionStatus status = SubscriptionStatus.Active, bool skipped = false, bool address = true,
        bool already = false, DateTimeOffset? started = null, DateTimeOffset? failedAt = null) =>
        new(Guid.NewGuid(), status, started ?? Cutoff.AddDays(-20), failedAt, Cutoff.AddDays(10), Items(items), skipped, address, already);

    [Theory]
    [InlineData("membership+kit", "kit")]
    [InlineData("course+kit", "kit")]
    [InlineData("box", "box")]
    [InlineData("box+kit", "box")] // the kit goes in the box
    [InlineData("kit+box", "box")]
    [InlineData("membership", null)]
    [InlineData("membership+digital", null)]
    public void ParcelProduct_PerSubscription_BoxElseKitElseNothing(string items, string? expected)
    {
        var product = ShipmentPlan.ParcelProduct(Items(items));
        Assert.Equal(expected switch { "kit" => Kit, "box" => Box, _ => (Guid?)null }, product);
    }

    [Fact]
    public void CalendarOf_KitOnMembership_FollowsTheKitsOwnCutoffAndShipDay()
    {
        var kitSchedule = new BoxSchedule(5, 8, TimeZoneInfo.Utc);
        var boxSchedule = new BoxSchedule(12, 15, TimeZoneInfo.Utc);
        BoxSchedule Of(Guid id) => id == Kit ? kitSchedule : boxSchedule;

        var calendar = ShipmentPlan.CalendarOf(Items("membership+kit"), Of)!;
        Assert.Equal(new DateOnly(2026, 12, 8), calendar.ShipDateOf(new CycleKey(2026, 12)));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), calendar.CutoffOf(new CycleKey(2026, 12)));
        // The cycle is the calendar month: a change on 6 December belongs to January's kit.
        Assert.Equal(new CycleKey(2027, 1), calendar.CycleFor(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void CalendarOf_KitOnBox_SharesTheBoxCalendar_NothingShipping_Null()
    {
        var kitSchedule = new BoxSchedule(5, 8, TimeZoneInfo.Utc);
        var boxSchedule = new BoxSchedule(12, 15, TimeZoneInfo.Utc);
        BoxSchedule Of(Guid id) => id == Kit ? kitSchedule : boxSchedule;

        Assert.Same(boxSchedule, ShipmentPlan.CalendarOf(Items("box+kit"), Of));
        Assert.Null(ShipmentPlan.CalendarOf(Items("membership"), Of));
    }

    [Fact]
    public void Decide_BoxAndKit_OneParcelHoldingBoth_BoxFirst()
    {
        var parcel = ShipmentPlan.Decide(Box, Cutoff, Sub("kit+box"), Strict, Now);

        Assert.Equal(PlanOutcome.Ship, parcel.Outcome);
        Assert.Equal([Box, Kit], parcel.Lines.Select(l => l.ProductId));
        // Generating the kit's own calendar does not ship it a second time.
        Assert.Equal(PlanOutcome.ShipsWithAnotherProduct, ShipmentPlan.Decide(Kit, Cutoff, Sub("kit+box"), Strict, Now).Outcome);
    }

    [Fact]
    public void Decide_MembershipWithKit_KitParcelWithTheKitOnly_WithoutKit_Nothing()
    {
        var parcel = ShipmentPlan.Decide(Kit, Cutoff, Sub("membership+kit"), Strict, Now);
        Assert.Equal(PlanOutcome.Ship, parcel.Outcome);
        Assert.Equal(2, Assert.Single(ShipmentPlan.Decide(Kit, Cutoff, Sub("membership+kit") with { Items = [Item("membership"), Item("kit", 2)] }, Strict, Now).Lines).Quantity);
        Assert.Equal(Kit, Assert.Single(parcel.Lines).ProductId);
        Assert.Equal(PlanOutcome.ShipsWithAnotherProduct, ShipmentPlan.Decide(Kit, Cutoff, Sub("membership"), Strict, Now).Outcome);
    }

    [Theory]
    [InlineData(SubscriptionStatus.Active, false, PlanOutcome.Ship)]
    [InlineData(SubscriptionStatus.Trialing, false, PlanOutcome.Ship)]
    [InlineData(SubscriptionStatus.PastDue, false, PlanOutcome.NotEligible)] // the Owner's switch is off by default
    [InlineData(SubscriptionStatus.PastDue, true, PlanOutcome.Ship)] // inside grace with the switch on
    [InlineData(SubscriptionStatus.Unpaid, true, PlanOutcome.NotEligible)]
    [InlineData(SubscriptionStatus.Paused, true, PlanOutcome.NotEligible)]
    [InlineData(SubscriptionStatus.Canceled, true, PlanOutcome.NotEligible)]
    [InlineData(SubscriptionStatus.Incomplete, true, PlanOutcome.NotEligible)]
    public void Decide_KitEligibility_SameAsBoxes(SubscriptionStatus status, bool shipPastDue, PlanOutcome expected)
    {
        var rules = shipPastDue ? Lenient : Strict;
        var failedAt = status == SubscriptionStatus.PastDue ? Now.AddDays(-2) : (DateTimeOffset?)null;

        Assert.Equal(expected, ShipmentPlan.Decide(Kit, Cutoff, Sub("membership+kit", status, failedAt: failedAt), rules, Now).Outcome);
        Assert.Equal(expected, ShipmentPlan.Decide(Box, Cutoff, Sub("box", status, failedAt: failedAt), rules, Now).Outcome);
    }

    [Fact]
    public void Decide_PastDueBeyondGrace_NotEligible_EvenWithTheSwitchOn()
    {
        var sub = Sub("membership+kit", SubscriptionStatus.PastDue, failedAt: Now.AddDays(-8));
        Assert.Equal(PlanOutcome.NotEligible, ShipmentPlan.Decide(Kit, Cutoff, sub, Lenient, Now).Outcome);
    }

    [Theory]
    [InlineData(true, false, false, false, PlanOutcome.Skipped)]
    [InlineData(false, false, false, false, PlanOutcome.NoAddress)]
    [InlineData(false, true, true, false, PlanOutcome.AlreadyThere)] // generating twice creates nothing
    [InlineData(false, true, false, true, PlanOutcome.JoinedAfterCutoff)] // paid for the next cycle's kit
    [InlineData(true, true, true, true, PlanOutcome.AlreadyThere)]
    public void Decide_SkipAddressIdempotencyAndLateJoiners(bool skipped, bool address, bool already, bool late, PlanOutcome expected)
    {
        var sub = Sub("membership+kit", skipped: skipped, address: address, already: already, started: late ? Cutoff : null);
        Assert.Equal(expected, ShipmentPlan.Decide(Kit, Cutoff, sub, Strict, Now).Outcome);
    }

    [Fact]
    public void Decide_ManySubscriptions_OneDecisionEach()
    {
        var subs = new[] { Sub("membership+kit"), Sub("membership"), Sub("box+kit"), Sub("membership+kit", skipped: true) };
        var plan = ShipmentPlan.Decide(Kit, Cutoff, subs, Strict, Now);
        Assert.Equal([PlanOutcome.Ship, PlanOutcome.ShipsWithAnotherProduct, PlanOutcome.ShipsWithAnotherProduct, PlanOutcome.Skipped], plan.Select(p => p.Outcome));
    }
}
