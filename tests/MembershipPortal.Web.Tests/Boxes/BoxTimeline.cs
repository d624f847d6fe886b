using MembershipPortal.Domain.Boxes;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// The test box's calendar (cut-off at the end of the 12th, ships on the 15th, business time zone unset = UTC). Tests in
/// one class share a clock that only moves forward, so each works from the cycle open when it runs rather than fixed dates.
/// </summary>
internal static class BoxTimeline
{
    public static readonly BoxSchedule Schedule = new(12, 15, TimeZoneInfo.Utc);

    /// <summary>The cycle still open now: a member who subscribes now gets this cycle's box first.</summary>
    public static CycleKey Open(PortalFactory factory) => Schedule.CycleFor(factory.Clock.GetUtcNow());

    /// <summary>A client signed in now: the fixture's clients' cookies expire once a test has moved the clock weeks ahead.</summary>
    public static Task<HttpClient> SignedInAsync(PortalFactory factory, string? role = null) =>
        factory.SignedInClientAsync($"{role ?? "member"}{Guid.NewGuid():N}@example.test".ToLowerInvariant(), role);

    /// <summary>Moves the clock an hour past the cycle's cut-off (never backwards), so it can be generated.</summary>
    public static void PastCutoff(PortalFactory factory, CycleKey cycle)
    {
        var at = Schedule.CutoffOf(cycle).AddHours(1);
        if (factory.Clock.GetUtcNow() < at)
            factory.Clock.SetUtcNow(at);
    }
}
