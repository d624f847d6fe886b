using MembershipPortal.Domain.Boxes;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class OneTimeExtrasTests
{
    private static readonly BoxSchedule Utc12 = new(12, 15, TimeZoneInfo.Utc);
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly CycleKey December = new(2026, 12), January = new(2027, 1), February = new(2027, 2);

    [Fact]
    public void TargetCycle_BeforeTheCutoffThisCycle_FromTheCutoffTheNext()
    {
        var cutoff = Utc12.CutoffOf(December);
        Assert.Equal(December, OneTimeExtras.TargetCycle(Utc12, cutoff.AddSeconds(-1)));
        Assert.Equal(January, OneTimeExtras.TargetCycle(Utc12, cutoff));
        Assert.True(OneTimeExtras.CanRemove(Utc12, December, cutoff.AddSeconds(-1)));
        Assert.False(OneTimeExtras.CanRemove(Utc12, December, cutoff));
    }

    [Fact]
    public void TargetCycle_FollowsTheOwnersTimeZone()
    {
        var newYork = new BoxSchedule(12, 15, NewYork);
        // 04:30 UTC on the 13th is still the 12th in New York (UTC-5): December's box.
        Assert.Equal(December, OneTimeExtras.TargetCycle(newYork, new DateTimeOffset(2026, 12, 13, 4, 30, 0, TimeSpan.Zero)));
        Assert.Equal(January, OneTimeExtras.TargetCycle(newYork, new DateTimeOffset(2026, 12, 13, 5, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Consume_EachExtraInExactlyOneShipment()
    {
        var mug = new PendingExtra(Guid.NewGuid(), December, null);
        var tea = new PendingExtra(Guid.NewGuid(), January, null);
        var decemberBox = Guid.NewGuid();
        var januaryBox = Guid.NewGuid();

        Assert.Equal([mug], OneTimeExtras.CarriedBy(December, [mug, tea]));
        var afterDecember = OneTimeExtras.Consume(December, decemberBox, [mug, tea]);
        Assert.Equal([tea], OneTimeExtras.CarriedBy(January, afterDecember));
        var afterJanuary = OneTimeExtras.Consume(January, januaryBox, afterDecember);

        Assert.Equal([decemberBox, januaryBox], afterJanuary.Select(e => e.ShipmentId!.Value));
        Assert.Empty(OneTimeExtras.CarriedBy(February, afterJanuary));
        Assert.Equal(afterJanuary, OneTimeExtras.Consume(February, Guid.NewGuid(), afterJanuary)); // nothing moves again
    }

    [Fact]
    public void CarriedBy_SkippedCycle_TheExtraRidesInTheNextBoxSent()
    {
        var mug = new PendingExtra(Guid.NewGuid(), December, null);
        // December was skipped, so no December shipment consumed it; January's box takes it.
        Assert.Equal([mug], OneTimeExtras.CarriedBy(January, [mug]));
        Assert.Empty(OneTimeExtras.CarriedBy(new CycleKey(2026, 11), [mug])); // never an earlier box
    }
}
