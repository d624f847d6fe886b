using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics.Import;

namespace MembershipPortal.Domain.Tests.Metrics;

public class HistoryCsvTests
{
    private const string Header = "occurred_at,customer_id,customer_email,subscription_id,event,product_code,plan_code,unit_amount,currency,interval,interval_count,quantity,discount_percent";

    private static HistoryParseResult Parse(params string[] rows) => HistoryCsv.Parse(string.Join("\n", [Header, .. rows]), "USD");

    private static ImportProblem OneProblem(string row)
    {
        var result = Parse("2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0", row);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(3, problem.Line);
        return problem;
    }

    [Fact]
    public void Parse_WorkedExample_ReadsEveryRow()
    {
        var result = HistoryCsv.Parse(WorkedExample.Csv, "USD");

        Assert.Empty(result.Problems);
        Assert.Equal(8, result.Events.Count);
        var a = result.Events[0];
        Assert.Equal(new HistoryItem("gold", "gold-yearly", 200000, "USD", BillingInterval.Year, 1, 4, 0), a.Item);
        Assert.Equal((2, "cus_1", "A", HistoryEventType.Start), (a.Line, a.CustomerId, a.SubscriptionId, a.Type));
        Assert.Null(result.Events[^1].Item);
    }

    [Theory]
    [InlineData("2026-01-10,c1,a@example.com,s1,cancel,,,,,,,,", "occurred_at")]
    [InlineData("2026-01-10T10:00:00,c1,a@example.com,s1,cancel,,,,,,,,", "occurred_at")]
    [InlineData("10/01/2026 10:00,c1,a@example.com,s1,cancel,,,,,,,,", "occurred_at")]
    [InlineData("2026-02-30T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,", "occurred_at")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s1,upgrade,,,,,,,,", "unknown event 'upgrade'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,-500,USD,month,1,1,0", "unit_amount -500 is negative")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,12.50,USD,month,1,1,0", "whole number of minor units")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,,USD,month,1,1,0", "unit_amount is empty")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,,,1000,,,,,", "product_code, plan_code, currency, interval are empty")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,change,gold,gold-m,1000,USD,fortnight,1,1,0", "interval 'fortnight'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,1000,EUR,month,1,1,0", "currency EUR is not the reporting currency USD")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,1000,USD,month,0,1,0", "interval_count '0'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,1000,USD,month,1,0,0", "quantity '0'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s2,start,gold,gold-m,1000,USD,month,1,1,120", "discount_percent '120'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s1,cancel,gold,,,,,,,", "leaves the item columns empty")]
    [InlineData("2026-01-10T10:00:00Z,,a@example.com,s1,cancel,,,,,,,,", "customer_id is empty")]
    [InlineData("2026-01-10T10:00:00Z,c1,not-an-address,s1,cancel,,,,,,,,", "customer_email 'not-an-address'")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,,cancel,,,,,,,,", "subscription_id is empty")]
    [InlineData("2026-01-10T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,", "12 column(s) where the header has 13")]
    public void Parse_BadRow_ReportsItsLineAndReason(string row, string reason)
    {
        var problem = OneProblem(row);

        Assert.Contains(reason, problem.Reason);
    }

    [Fact]
    public void Parse_EveryBadRow_IsReported_WithAllItsReasons()
    {
        var result = Parse(
            "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0",
            "yesterday,c1,a@example.com,s1,explode,,,,,,,,",
            "2026-01-11T10:00:00Z,c1,a@example.com,s1,cancel,,,,,,,,",
            "2026-01-12T10:00:00Z,c2,b@example.com,s2,start,gold,gold-m,-1,USD,month,1,1,0");

        Assert.Equal([3, 5], result.Problems.Select(p => p.Line));
        Assert.Contains("occurred_at", result.Problems[0].Reason);
        Assert.Contains("unknown event", result.Problems[0].Reason);
        Assert.Equal(4, result.Rows);
    }

    [Fact]
    public void Parse_OptionalItemColumns_DefaultToOneAndNoDiscount()
    {
        var result = Parse("2026-01-10T10:00:00+02:00,c1,a@example.com,s1,start,gold,gold-m,1000,usd,Month,,,");

        var e = Assert.Single(result.Events);
        Assert.Equal(new HistoryItem("gold", "gold-m", 1000, "USD", BillingInterval.Month, 1, 1, 0), e.Item);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.Zero), e.OccurredAt.ToUniversalTime());
    }

    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndLineBreaks_KeepLineNumbersRight()
    {
        var result = Parse(
            "2026-01-10T10:00:00Z,\"c,1\",a@example.com,\"s \"\"one\"\"\",start,gold,\"gold\nmonthly\",1000,USD,month,1,1,0",
            "bad,c1,a@example.com,s1,cancel,,,,,,,,");

        var e = Assert.Single(result.Events);
        Assert.Equal(("c,1", "s \"one\"", "gold\nmonthly"), (e.CustomerId, e.SubscriptionId, e.Item!.PlanCode));
        Assert.Equal(4, Assert.Single(result.Problems).Line);
    }

    [Fact]
    public void Parse_HeaderInAnyOrderWithBomAndCrLf_IsAccepted()
    {
        var columns = HistoryCsv.Columns.Reverse().ToArray();
        var text = "\uFEFF" + string.Join(",", columns) + "\r\n" + "0,1,1,month,USD,1000,gold-m,gold,start,s1,a@example.com,c1,2026-01-10T10:00:00Z\r\n";

        var result = HistoryCsv.Parse(text, "USD");

        Assert.Empty(result.Problems);
        Assert.Equal("s1", Assert.Single(result.Events).SubscriptionId);
    }

    [Fact]
    public void Parse_BadHeader_IsOneProblemOnLineOne()
    {
        var result = HistoryCsv.Parse("when,who\n2026-01-10T10:00:00Z,c1\n", "USD");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(1, problem.Line);
        Assert.Contains("missing column(s) occurred_at", problem.Reason);
    }

    [Fact]
    public void Parse_EmptyFile_IsAProblem() => Assert.Single(HistoryCsv.Parse("", "USD").Problems);

    [Fact]
    public void Parse_BlankLines_AreSkipped()
    {
        var result = Parse("", "2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0", "");

        Assert.Empty(result.Problems);
        Assert.Single(result.Events);
    }

    [Fact]
    public void CanonicalText_IgnoresLineAndEmail_ButNotTheEvent()
    {
        var a = Parse("2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1000,USD,month,1,1,0").Events[0];
        var moved = Parse("", "2026-01-10T11:00:00+01:00,c1,new@example.com,s1,start,gold,gold-m,1000,USD,month,,,").Events[0];
        var other = Parse("2026-01-10T10:00:00Z,c1,a@example.com,s1,start,gold,gold-m,1001,USD,month,1,1,0").Events[0];

        Assert.Equal(a.CanonicalText(), moved.CanonicalText());
        Assert.NotEqual(a.CanonicalText(), other.CanonicalText());
    }
}
