using MembershipPortal.Domain.Metrics;
using MembershipPortal.Domain.Metrics.Import;

namespace MembershipPortal.Domain.Tests.Metrics;

/// <summary>METRICS.md §7 as an import file.</summary>
internal static class WorkedExample
{
    public const string Csv = """
        occurred_at,customer_id,customer_email,subscription_id,event,product_code,plan_code,unit_amount,currency,interval,interval_count,quantity,discount_percent
        2026-01-10T10:00:00Z,cus_1,ada@example.com,A,start,gold,gold-yearly,200000,USD,year,1,4,0
        2026-01-10T10:05:00Z,cus_1,ada@example.com,B,start,kit,kit-monthly,1500,USD,month,1,1,0
        2026-02-03T09:00:00Z,cus_1,ada@example.com,C,start,silver,silver-monthly,3000,USD,month,1,2,0
        2026-03-15T12:00:00Z,cus_1,ada@example.com,C,cancel,,,,,,,,
        2026-04-20T06:00:00Z,cus_1,ada@example.com,B,past_due,,,,,,,,
        2026-04-27T06:00:00Z,cus_1,ada@example.com,B,unpaid,,,,,,,,
        2026-05-05T12:00:00Z,cus_1,ada@example.com,A,cancel,,,,,,,,
        2026-06-01T08:00:00Z,cus_1,ada@example.com,B,recover,,,,,,,,
        """;

    public static readonly HistoryReplayOptions Options = new() { IsAddOn = item => item.ProductCode == "kit" };

    public static MrrEngine Engine()
    {
        var parsed = HistoryCsv.Parse(Csv, "USD");
        Assert.Empty(parsed.Problems);
        var replayed = HistoryReplay.Replay(parsed.Events, Options);
        Assert.Empty(replayed.Problems);
        return MrrEngine.Build(replayed.Changes);
    }
}
