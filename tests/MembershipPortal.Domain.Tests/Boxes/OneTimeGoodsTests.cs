using MembershipPortal.Domain.Boxes;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class OneTimeGoodsTests
{
    private static readonly BoxSchedule Kit = new(12, 15, TimeZoneInfo.Utc), Starter = new(20, 25, TimeZoneInfo.Utc);

    // With a box or kit the one-time product rides in its next open cycle; with nothing else mailed it ships on its own calendar.
    [Theory]
    [InlineData(true, 2026, 11, 10, 2026, 11, false)]
    [InlineData(true, 2026, 11, 13, 2026, 12, false)]
    [InlineData(false, 2026, 11, 13, 2026, 11, true)]
    [InlineData(false, 2026, 11, 21, 2026, 12, true)]
    public void Route_WithTheParcelsNextCycle_ElseOnItsOwn(bool hasParcel, int y, int m, int d, int cy, int cm, bool onItsOwn)
    {
        var route = OneTimeGoods.Route(hasParcel ? Kit : null, Starter, new DateTimeOffset(y, m, d, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new OneTimeRoute(new CycleKey(cy, cm), onItsOwn), route);
    }
}
