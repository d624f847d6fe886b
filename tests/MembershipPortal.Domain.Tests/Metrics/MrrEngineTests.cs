using MembershipPortal.Domain.Metrics;
using static MembershipPortal.Domain.Tests.Metrics.History;

namespace MembershipPortal.Domain.Tests.Metrics;

public class MrrEngineTests
{
    private static MrrMovement Single(History history) => Assert.Single(history.Engine().Movements());

    [Fact]
    public void FirstPayingDay_IsNew()
    {
        var m = Single(new History().Set("c", "s", "2026-01-10", 1000));

        Assert.Equal((MovementType.New, 1000m, Day("2026-01-10")), (m.Type, m.Amount, m.Day));
    }

    [Fact]
    public void MoreMrr_IsExpansion_LessIsContraction_ZeroIsChurn_BackAgainIsReactivation()
    {
        var movements = new History()
            .Set("c", "s", "2026-01-10", 1000)
            .Set("c", "s", "2026-02-10", 1500, MrrChangeReason.PlanChange)
            .Set("c", "s", "2026-03-10", 1200, MrrChangeReason.PlanChange)
            .Set("c", "s", "2026-04-10", 0)
            .Set("c", "s2", "2026-05-10", 900)
            .Engine().Movements().Select(m => (m.Type, m.Amount)).ToList();

        Assert.Equal(
            [(MovementType.New, 1000m), (MovementType.Expansion, 500m), (MovementType.Contraction, 300m), (MovementType.Churn, 1200m), (MovementType.Reactivation, 900m)],
            movements);
    }

    [Fact]
    public void ChangesWithinOneDay_AreNetted()
    {
        var movements = new History()
            .Set("c", "s", "2026-01-10T08:00:00Z", 1000)
            .Set("c", "s", "2026-02-10T08:00:00Z", 3000, MrrChangeReason.PlanChange)
            .Set("c", "s", "2026-02-10T17:00:00Z", 1500, MrrChangeReason.PlanChange)
            .Engine().Movements().ToList();

        Assert.Equal(2, movements.Count);
        Assert.Equal((MovementType.Expansion, 500m, 1000m, 1500m), (movements[1].Type, movements[1].Amount, movements[1].MrrBefore, movements[1].MrrAfter));
        Assert.Equal(2, movements[1].Changes.Count);
    }

    [Fact]
    public void UpAndDownOnTheSameDay_IsNoMovement()
    {
        var engine = new History()
            .Set("c", "s", "2026-01-10", 1000)
            .Set("c", "s2", "2026-02-10T08:00:00Z", 500)
            .Set("c", "s2", "2026-02-10T20:00:00Z", 0)
            .Engine();

        Assert.Single(engine.Movements());
    }

    [Fact]
    public void SignupAndCancelTheSameDay_IsNoMovementAndNotPaidBefore()
    {
        // Only end-of-day MRR counts: a customer who never ended a day paying is new when they next pay.
        var movements = new History()
            .Set("c", "s", "2026-01-10T08:00:00Z", 1000)
            .Set("c", "s", "2026-01-10T09:00:00Z", 0)
            .Set("c", "s2", "2026-03-01", 2000)
            .Engine().Movements().ToList();

        var m = Assert.Single(movements);
        Assert.Equal(MovementType.New, m.Type);
    }

    [Fact]
    public void ChangeJustBeforeAndJustAfterMidnightUtc_AreTwoDays()
    {
        var movements = new History()
            .Set("c", "s", "2026-01-10T23:59:59Z", 1000)
            .Set("c", "s", "2026-01-11T00:00:00Z", 0)
            .Engine().Movements().ToList();

        Assert.Equal([MovementType.New, MovementType.Churn], movements.Select(m => m.Type));
    }

    [Fact]
    public void DaysAreUtc_WhateverTheOffset()
    {
        var m = Single(new History().Set("c", "s", "2026-01-10T23:30:00-05:00", 1000));

        Assert.Equal(Day("2026-01-11"), m.Day);
    }

    [Fact]
    public void SameDayBundle_IsAllNewBusiness()
    {
        // METRICS.md §3: base plan plus a kit add-on bought the same day are new, not new plus expansion.
        var m = Single(new History()
            .Set("c", "A", "2026-01-10T10:00:00Z", D("66666.67"), MrrChangeReason.Subscribed)
            .Set("c", "B", "2026-01-10T10:05:00Z", 1500, MrrChangeReason.AddOn));

        Assert.Equal((MovementType.New, D("68166.67")), (m.Type, m.Amount));
    }

    [Fact]
    public void RenewalAtTheSamePrice_IsNoMovement()
    {
        var engine = new History()
            .Set("c", "s", "2026-01-10", 1000)
            .Set("c", "s", "2026-02-10", 1000)
            .Set("c", "s", "2026-03-10", 1000)
            .Engine();

        Assert.Single(engine.Movements());
    }

    [Fact]
    public void CustomerMrr_IsTheSumOverTheirSubscriptions()
    {
        var engine = new History()
            .Set("c", "a", "2026-01-10", 1000)
            .Set("c", "b", "2026-01-20", 250)
            .Set("d", "x", "2026-01-21", 700)
            .Engine();

        Assert.Equal(1250m, engine.Customer("c")!.MrrAtEndOf(Day("2026-01-31")));
        Assert.Equal(1000m, engine.Customer("c")!.MrrAtEndOf(Day("2026-01-19")));
        Assert.Equal(0m, engine.Customer("c")!.MrrAtEndOf(Day("2026-01-09")));
        Assert.Equal(1950m, engine.MrrAtEndOf(Day("2026-01-31")));
    }

    [Fact]
    public void Expansion_IsSplitByCause()
    {
        var m = new History()
            .Set("c", "plan", "2026-01-10", 1000)
            .Set("c", "plan", "2026-02-10T08:00:00Z", 2000, MrrChangeReason.PlanChange)
            .Set("c", "kit", "2026-02-10T09:00:00Z", 300, MrrChangeReason.AddOn)
            .Set("c", "box", "2026-02-10T10:00:00Z", 2500, MrrChangeReason.Subscribed)
            .Set("c", "seats", "2026-02-10T11:00:00Z", 400, MrrChangeReason.Quantity)
            .Engine().Movements().Last();

        Assert.Equal(MovementType.Expansion, m.Type);
        Assert.Equal(new ExpansionBreakdown(1000, 300, 400, 2500, 0), m.ExpansionByCause);
        Assert.Equal(m.Amount, m.ExpansionByCause!.Total);
    }

    [Fact]
    public void Expansion_LossesTheSameDayComeOffTheGains_AndThePartsStillAddUp()
    {
        var m = new History()
            .Set("c", "plan", "2026-01-10", 1000)
            .Set("c", "kit", "2026-01-10", 300, MrrChangeReason.AddOn)
            .Set("c", "plan", "2026-02-10T08:00:00Z", 2000, MrrChangeReason.PlanChange)
            .Set("c", "kit", "2026-02-10T09:00:00Z", 0)
            .Engine().Movements().Last();

        Assert.Equal((MovementType.Expansion, 700m), (m.Type, m.Amount));
        Assert.Equal(new ExpansionBreakdown(700, 0, 0, 0, 0), m.ExpansionByCause);
    }

    [Theory]
    [InlineData(new[] { 500.0, 0, 0, 0, -200 }, new[] { 300.0, 0, 0, 0, 0 })]
    [InlineData(new[] { 500.0, 100, 0, 0, -200 }, new[] { 400.0, 0, 0, 0, 0 })]
    [InlineData(new[] { 100.0, 100, 100, 100, -350 }, new[] { 50.0, 0, 0, 0, 0 })]
    [InlineData(new[] { 0.01, 0, 0, 0, 0 }, new[] { 0.01, 0, 0, 0, 0 })]
    public void Allocate_TakesLossesFromTheLastGainingCauseFirst(double[] net, double[] expected)
    {
        var parts = ExpansionBreakdown.Allocate(net.Select(x => (decimal)x).ToArray());

        Assert.Equal(expected.Select(x => (decimal)x), [parts.Upgrade, parts.AddOn, parts.Quantity, parts.CrossSell, parts.Other]);
    }

    [Fact]
    public void Append_OutOfOrder_GivesTheSameMovementsAsARebuild()
    {
        var history = new History()
            .Set("c", "s", "2026-01-10", 1000)
            .Set("c", "s", "2026-02-10", 2000)
            .Set("c", "t", "2026-02-10", 500)
            .Set("c", "s", "2026-03-10", 0)
            .Set("c", "t", "2026-04-10", 0)
            .Set("c", "s", "2026-05-10", 800);
        var incremental = new MrrEngine();
        foreach (var change in history.Changes.AsEnumerable().Reverse())
            incremental.Append(change);

        Assert.Equal(Describe(history.Engine()), Describe(incremental));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Append_AnyOrderAnyBatching_EqualsFullRebuild(int seed)
    {
        var changes = RandomHistory.Generate(seed, customers: 12, months: 14);
        var rebuilt = MrrEngine.Build(changes);
        var random = new Random(seed);

        var inOrder = new MrrEngine();
        inOrder.Append(changes.OrderBy(c => c, SubscriptionMrrChange.Order));
        var shuffled = new MrrEngine();
        foreach (var change in changes.OrderBy(_ => random.Next()))
            shuffled.Append(change);

        Assert.Equal(Describe(rebuilt), Describe(inOrder));
        Assert.Equal(Describe(rebuilt), Describe(shuffled));
    }

    [Fact]
    public void Append_ALargeBatch_FoldsCustomersInParallel_AndEqualsOneByOne()
    {
        // Above the parallel threshold (20,000 changes), half shuffled so some ledgers replay, on an engine that
        // already holds part of the history: the customers, their order, every movement and the counters are the same.
        var changes = RandomHistory.Generate(7, customers: 3000, months: 24);
        Assert.True(changes.Count > 40_000, $"only {changes.Count} changes");
        var sorted = changes.OrderBy(c => c, SubscriptionMrrChange.Order).ToList();
        var random = new Random(7);
        var batch = sorted.Skip(1000).Take(sorted.Count / 2).Concat(sorted.Skip(1000 + sorted.Count / 2).OrderBy(_ => random.Next())).ToList();

        var oneByOne = new MrrEngine();
        var bulk = new MrrEngine();
        foreach (var change in sorted.Take(1000))
        {
            oneByOne.Append(change);
            bulk.Append(change);
        }
        foreach (var change in batch)
            oneByOne.Append(change);
        bulk.Append(batch);

        Assert.Equal(oneByOne.Customers.Select(c => c.CustomerId), bulk.Customers.Select(c => c.CustomerId));
        Assert.Equal(Describe(oneByOne), Describe(bulk));
        Assert.Equal(oneByOne.ChangeCount, bulk.ChangeCount);
        Assert.Equal(oneByOne.LatestChangeAt, bulk.LatestChangeAt);
        Assert.Equal(oneByOne.Customers.Select(c => c.CurrentMrr), bulk.Customers.Select(c => c.CurrentMrr));
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    private static List<string> Describe(MrrEngine engine) =>
        engine.Movements().Select(m => $"{m.CustomerId} {m.Day} {m.Type} {m.MrrBefore}->{m.MrrAfter} {m.ExpansionByCause} {m.Changes.Count}").ToList();
}
