using System.Globalization;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Boxes;

/// <summary>A box's month, written <c>2026-12</c>: the box that ships in that month.</summary>
public readonly record struct CycleKey(int Year, int Month) : IComparable<CycleKey>
{
    public static CycleKey Parse(string text) =>
        TryParse(text, out var key) ? key : throw new DomainException($"'{text}' is not a box cycle; write it as yyyy-MM, for example 2026-12.");

    public static bool TryParse(string? text, out CycleKey key)
    {
        key = default;
        if (!DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return false;
        key = new CycleKey(d.Year, d.Month);
        return true;
    }

    public CycleKey Next() => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public CycleKey Previous() => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    public int CompareTo(CycleKey other) => (Year, Month).CompareTo((other.Year, other.Month));

    public override string ToString() => $"{Year:D4}-{Month:D2}";

    /// <summary>The month as a person reads it: "December 2026".</summary>
    public string InWords() => new DateTime(Year, Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);
}

/// <summary>
/// When a box product's cycle closes and ships, in the business's time zone: for example billed on the 1st, cut-off on
/// the 12th, ships on the 15th. The cut-off is the end of the cut-off day (local midnight after it); a day past the
/// month's end means its last day (a cut-off on the 31st is the 30th in November and the 28th or 29th in February).
/// A change made before a cycle's cut-off applies to that cycle; after it, to the next one.
/// </summary>
public sealed record BoxSchedule
{
    public BoxSchedule(int cutoffDay, int shipDay, TimeZoneInfo timeZone)
    {
        if (cutoffDay is < 1 or > 31)
            throw new DomainException("The cut-off day must be between 1 and 31.");
        if (shipDay is < 1 or > 31)
            throw new DomainException("The ship day must be between 1 and 31.");
        if (shipDay < cutoffDay)
            throw new DomainException("Boxes ship on or after the cut-off day of the same month.");
        CutoffDay = cutoffDay;
        ShipDay = shipDay;
        TimeZone = timeZone ?? throw new ArgumentNullException(nameof(timeZone));
    }

    public int CutoffDay { get; }
    public int ShipDay { get; }
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first instant after the cycle's cut-off day, as UTC.</summary>
    public DateTimeOffset CutoffOf(CycleKey cycle) => LocalMidnightUtc(cycle, Clamp(cycle, CutoffDay) + 1);

    /// <summary>The day the cycle's boxes ship (local date).</summary>
    public DateOnly ShipDateOf(CycleKey cycle) => new(cycle.Year, cycle.Month, Clamp(cycle, ShipDay));

    /// <summary>The cycle a change made at <paramref name="instant"/> belongs to: this month's until its cut-off, then next month's.</summary>
    public CycleKey CycleFor(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        var cycle = new CycleKey(local.Year, local.Month);
        return instant < CutoffOf(cycle) ? cycle : cycle.Next();
    }

    /// <summary>Skipping, pausing or changing a cycle is possible until its cut-off.</summary>
    public bool IsOpen(CycleKey cycle, DateTimeOffset now) => now < CutoffOf(cycle);

    /// <summary>The cycles a pause of <see cref="PauseLimit"/> cycles starting with the next open cycle covers.</summary>
    public IReadOnlyList<CycleKey> PauseCycles(int cycles, DateTimeOffset now)
    {
        PauseLimit.Ensure(cycles, "cycles");
        var first = CycleFor(now);
        var result = new List<CycleKey> { first };
        while (result.Count < cycles)
            result.Add(result[^1].Next());
        return result;
    }

    private static int Clamp(CycleKey cycle, int day) => Math.Min(day, DateTime.DaysInMonth(cycle.Year, cycle.Month));

    private DateTimeOffset LocalMidnightUtc(CycleKey cycle, int dayAfter)
    {
        var days = DateTime.DaysInMonth(cycle.Year, cycle.Month);
        var local = dayAfter > days ? new DateTime(cycle.Next().Year, cycle.Next().Month, 1) : new DateTime(cycle.Year, cycle.Month, dayAfter);
        // A local midnight skipped by a daylight-saving jump is taken as the first valid minute after it.
        while (TimeZone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        var offset = TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
