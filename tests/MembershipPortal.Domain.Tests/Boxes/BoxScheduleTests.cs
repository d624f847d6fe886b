using MembershipPortal.Domain.Boxes;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class BoxScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly BoxSchedule Utc12 = new(12, 15, TimeZoneInfo.Utc);

    [Fact]
    public void CycleFor_OneSecondBeforeCutoff_ThisMonth_OneSecondAfter_NextMonth()
    {
        var cutoff = new DateTimeOffset(2026, 12, 13, 0, 0, 0, TimeSpan.Zero); // the end of the 12th
        Assert.Equal(cutoff, Utc12.CutoffOf(new CycleKey(2026, 12)));
        Assert.Equal(new CycleKey(2026, 12), Utc12.CycleFor(cutoff.AddSeconds(-1)));
        Assert.Equal(new CycleKey(2027, 1), Utc12.CycleFor(cutoff));
        Assert.Equal(new CycleKey(2027, 1), Utc12.CycleFor(cutoff.AddSeconds(1)));
    }

    [Fact]
    public void CycleFor_AfterDecemberCutoff_RollsIntoNextYear()
    {
        Assert.Equal("2027-01", Utc12.CycleFor(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero)).ToString());
    }

    [Theory]
    [InlineData(2026, 2, "2026-03-01T00:00:00+00:00")] // cut-off on the 31st is the 28th in February
    [InlineData(2028, 2, "2028-03-01T00:00:00+00:00")] // and the 29th in a leap year
    [InlineData(2026, 11, "2026-12-01T00:00:00+00:00")] // and the 30th in November
    [InlineData(2026, 12, "2027-01-01T00:00:00+00:00")]
    public void Cutoff_DayPastMonthEnd_IsTheLastDay(int year, int month, string expected)
    {
        var schedule = new BoxSchedule(31, 31, TimeZoneInfo.Utc);
        Assert.Equal(DateTimeOffset.Parse(expected), schedule.CutoffOf(new CycleKey(year, month)));
        Assert.Equal(new DateOnly(year, month, DateTime.DaysInMonth(year, month)), schedule.ShipDateOf(new CycleKey(year, month)));
    }

    [Fact]
    public void Cutoff_IsLocalMidnightOfTheOwnersTimeZone()
    {
        var berlin = new BoxSchedule(12, 15, Berlin);
        // Midnight after the 12th in Berlin (UTC+1 in December) is 23:00 UTC on the 12th.
        Assert.Equal(new DateTimeOffset(2026, 12, 12, 23, 0, 0, TimeSpan.Zero), berlin.CutoffOf(new CycleKey(2026, 12)));
        Assert.Equal(new CycleKey(2027, 1), berlin.CycleFor(new DateTimeOffset(2026, 12, 12, 23, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new CycleKey(2026, 12), Utc12.CycleFor(new DateTimeOffset(2026, 12, 12, 23, 30, 0, TimeSpan.Zero)));
        // Summer time: UTC+2 in July.
        Assert.Equal(new DateTimeOffset(2026, 7, 12, 22, 0, 0, TimeSpan.Zero), berlin.CutoffOf(new CycleKey(2026, 7)));
        var newYork = new BoxSchedule(12, 15, NewYork);
        Assert.Equal(new DateTimeOffset(2026, 12, 13, 5, 0, 0, TimeSpan.Zero), newYork.CutoffOf(new CycleKey(2026, 12)));
    }

    [Fact]
    public void IsOpen_UntilTheCutoff()
    {
        var cycle = new CycleKey(2026, 12);
        var cutoff = Utc12.CutoffOf(cycle);
        Assert.True(Utc12.IsOpen(cycle, cutoff.AddSeconds(-1)));
        Assert.False(Utc12.IsOpen(cycle, cutoff));
    }

    [Fact]
    public void Pause_OneToThreeCycles_FromTheNextOpenCycle()
    {
        var afterCutoff = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(["2027-01", "2027-02", "2027-03"], Utc12.PauseCycles(3, afterCutoff).Select(c => c.ToString()));
        Assert.Equal(["2026-12"], Utc12.PauseCycles(1, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)).Select(c => c.ToString()));
        Assert.Throws<DomainException>(() => Utc12.PauseCycles(4, afterCutoff));
        Assert.Throws<DomainException>(() => Utc12.PauseCycles(0, afterCutoff));
    }

    [Theory]
    [InlineData(0, 15)]
    [InlineData(32, 15)]
    [InlineData(15, 12)]
    public void Schedule_Nonsense_Refused(int cutoff, int ship) =>
        Assert.Throws<DomainException>(() => new BoxSchedule(cutoff, ship, TimeZoneInfo.Utc));

    [Theory]
    [InlineData("2026-12", true)]
    [InlineData("2026-13", false)]
    [InlineData("12-2026", false)]
    [InlineData("", false)]
    public void CycleKey_Parse(string text, bool valid) => Assert.Equal(valid, CycleKey.TryParse(text, out _));
}
