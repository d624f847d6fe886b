using MembershipPortal.Domain.Metrics;
using MembershipPortal.Domain.Metrics.Import;
using static MembershipPortal.Domain.Tests.Metrics.History;

namespace MembershipPortal.Domain.Tests.Metrics;

public class HistoryReplayTests
{
    private const string Header = "occurred_at,customer_id,customer_email,subscription_id,event,product_code,plan_code,unit_amount,currency,interval,interval_count,quantity,discount_percent";

    private static HistoryReplayResult Replay(params string[] rows)
    {
        var parsed = HistoryCsv.Parse(string.Join("\n", [Header, .. rows]), "USD");
        Assert.Empty(parsed.Problems);
        return HistoryReplay.Replay(parsed.Events, WorkedExample.Options);
    }

    private static List<(MovementType, decimal)> Movements(params string[] rows)
    {
        var result = Replay(rows);
        Assert.Empty(result.Problems);
        return MrrEngine.Build(result.Changes).Movements().Select(m => (m.Type, m.Amount)).ToList();
    }

    private const string Start = "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0";

    [Fact]
    public void TrialThenStart_IsNewOnTheConversionDay()
    {
        var result = Replay(
            "2026-01-01T10:00:00Z,c1,a@example.com,s1,trial_start,gold,gold-m,1000,USD,month,1,1,0",
            "2026-01-15T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0");

        var m = Assert.Single(MrrEngine.Build(result.Changes).Movements());
        Assert.Equal((MovementType.New, 1000m, Day("2026-01-15")), (m.Type, m.Amount, m.Day));
        Assert.Equal(At("2026-01-15T10:00:00Z"), result.Subscriptions.Single().ConvertedAt);
    }

    [Fact]
    public void TrialCanceledBeforeConverting_IsNoMovement() =>
        Assert.Empty(Movements(
            "2026-01-01T10:00:00Z,c1,a@example.com,s1,trial_start,gold,gold-m,1000,USD,month,1,1,0",
            "2026-01-15T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,"));

    [Fact]
    public void PastDueThatRecovers_IsNoMovement() =>
        Assert.Equal([(MovementType.New, 1000m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,past_due,,,,,,,,",
            "2026-02-14T10:00:00Z,c1,a@example.com,s1,recover,,,,,,,,"));

    [Fact]
    public void PastDueThatGoesUnpaid_IsChurn_ThenReactivationWhenPaid() =>
        Assert.Equal([(MovementType.New, 1000m), (MovementType.Churn, 1000m), (MovementType.Reactivation, 1000m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,past_due,,,,,,,,",
            "2026-02-24T10:00:00Z,c1,a@example.com,s1,unpaid,,,,,,,,",
            "2026-03-02T10:00:00Z,c1,a@example.com,s1,recover,,,,,,,,"));

    [Fact]
    public void PauseAndResume_AreChurnAndReactivation() =>
        Assert.Equal([(MovementType.New, 1000m), (MovementType.Churn, 1000m), (MovementType.Reactivation, 1000m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,pause,,,,,,,,",
            "2026-04-10T10:00:00Z,c1,a@example.com,s1,resume,,,,,,,,"));

    [Fact]
    public void ChangeWhilePaused_CountsOnlyAfterResume() =>
        Assert.Equal([(MovementType.New, 1000m), (MovementType.Churn, 1000m), (MovementType.Reactivation, 2000m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,pause,,,,,,,,",
            "2026-03-01T10:00:00Z,c1,a@example.com,s1,change,gold,gold-m,2000,USD,month,1,1,0",
            "2026-04-10T10:00:00Z,c1,a@example.com,s1,resume,,,,,,,,"));

    [Theory]
    [InlineData("platinum,platinum-m,3000,USD,month,1,1,0", ExpansionCause.Upgrade, 2000)]
    [InlineData("gold,gold-m,1000,USD,month,1,3,0", ExpansionCause.Quantity, 2000)]
    [InlineData("gold,gold-m,1000,USD,month,1,1,0", null, 0)]
    public void Change_IsLabelledByWhatChanged(string item, ExpansionCause? cause, int expansion)
    {
        var result = Replay(Start, "2026-02-10T10:00:00Z,c1,a@example.com,s1,change," + item);
        var movements = MrrEngine.Build(result.Changes).Movements().ToList();

        if (cause is null)
            Assert.Single(movements);
        else
            Assert.Equal((decimal)expansion, movements[1].ExpansionByCause![cause.Value]);
    }

    [Fact]
    public void DiscountChange_IsContractionThenExpansionWhenItEnds() =>
        Assert.Equal([(MovementType.New, 1000m), (MovementType.Contraction, 250m), (MovementType.Expansion, 250m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,change,gold,gold-m,1000,USD,month,1,1,25",
            "2026-05-10T10:00:00Z,c1,a@example.com,s1,change,gold,gold-m,1000,USD,month,1,1,0"));

    [Fact]
    public void AddOnSubscription_OfAPayingCustomer_IsExpansionByAddOn()
    {
        var result = Replay(Start, "2026-02-10T10:00:00Z,c1,a@example.com,kit1,start,kit,kit-m,1500,USD,month,1,1,0");

        Assert.Equal(new ExpansionBreakdown(0, 1500, 0, 0, 0), MrrEngine.Build(result.Changes).Movements().Last().ExpansionByCause);
    }

    [Fact]
    public void RowsInAnyOrder_AreSortedByTimeThenFileOrder()
    {
        var moves = Movements(
            "2026-03-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,",
            Start);

        Assert.Equal([(MovementType.New, 1000m), (MovementType.Churn, 1000m)], moves);
    }

    [Theory]
    [InlineData("2026-01-09T10:00:00Z,c1,a@example.com,s9,cancel,,,,,,,,", 3, "cancel for subscription s9, which has no start or trial_start before it")]
    [InlineData("2026-02-09T10:00:00Z,c1,a@example.com,s1,resume,,,,,,,,", 3, "cannot resume subscription s1: it is active since 2026-01-10T10:00:00Z")]
    [InlineData("2026-02-09T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0", 3, "cannot start subscription s1: it is active")]
    [InlineData("2026-02-09T10:00:00Z,c1,a@example.com,s1,unpaid,,,,,,,,", 3, "cannot unpaid subscription s1")]
    [InlineData("2026-02-09T10:00:00Z,c1,a@example.com,s1,recover,,,,,,,,", 3, "cannot recover subscription s1")]
    [InlineData("2026-02-09T10:00:00Z,c2,b@example.com,s1,cancel,,,,,,,,", 3, "subscription s1 belongs to customer c1, not c2")]
    [InlineData("2026-02-09T10:00:00Z,c1,other@example.com,s2,start,gold,gold-m,1000,USD,month,1,1,0", 3, "customer c1 has the e-mail a@example.com elsewhere")]
    public void EventThatDoesNotFit_IsReportedOnItsLine(string row, int line, string reason)
    {
        var result = Replay(Start, row);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(reason, problem.Reason);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void CanceledSubscription_CanStartAgain_AsReactivation() =>
        Assert.Equal([(MovementType.New, 1000m), (MovementType.Churn, 1000m), (MovementType.Reactivation, 1000m)], Movements(Start,
            "2026-02-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,",
            "2026-05-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0"));

    [Fact]
    public void EarlierHistory_ConflictIsReportedOnTheNewLineThatCausedIt()
    {
        var first = HistoryCsv.Parse(Header + "\n" + Start + "\n2026-03-10T10:00:00Z,c1,a@example.com,s1,change,gold,gold-m,2000,USD,month,1,1,0", "USD").Events
            .Select(e => e with { Line = 0, Sequence = e.Sequence - 1_000 });
        var second = HistoryCsv.Parse(Header + "\n2026-02-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,", "USD").Events;

        var result = HistoryReplay.Replay([.. first, .. second]);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("conflicts with history imported before", problem.Reason);
    }

    [Fact]
    public void Options_MapCustomersAndPrefixSubscriptions()
    {
        var result = HistoryReplay.Replay(HistoryCsv.Parse(Header + "\n" + Start, "USD").Events,
            new HistoryReplayOptions { CustomerKey = id => "member-" + id, SubscriptionPrefix = "import:" });

        var change = Assert.Single(result.Changes);
        Assert.Equal(("member-c1", "import:s1"), (change.CustomerId, change.SubscriptionId));
    }
}
