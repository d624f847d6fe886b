using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Entitlements;

namespace MembershipPortal.Domain.Courses;

/// <summary>When a lesson opens for a member: a number of days after their enrolment, on a date, or both (the later wins).</summary>
public sealed record DripSchedule(int? Days, DateTimeOffset? Date)
{
    public static readonly DripSchedule None = new(null, null);

    public DripSchedule Validate() =>
        Days is < 0 ? throw new DomainException($"Drip days cannot be negative; {Days} was given.") : this;

    /// <summary>The instant the lesson opens for a member enrolled at <paramref name="enrolledAt"/>; null when it is open from the start.</summary>
    public DateTimeOffset? OpensAt(DateTimeOffset enrolledAt)
    {
        DateTimeOffset? byDays = Days is > 0 ? enrolledAt.AddDays(Days.Value) : null;
        return (byDays, Date) switch
        {
            (null, null) => null,
            ({ } d, null) => d,
            (null, { } date) => date,
            ({ } d, { } date) => d > date ? d : date,
        };
    }
}

public static class LessonAccess
{
    /// <summary>
    /// The course's rule first (a member who may not open the course learns why); then the drip: a lesson that has not
    /// opened yet is denied with <see cref="AccessReason.NotYetDripped"/>. Not enrolled yet counts as enrolling now.
    /// </summary>
    public static AccessDecision Decide(AccessRule courseRule, MemberAccessContext context, DripSchedule drip, DateTimeOffset? enrolledAt, DateTimeOffset now)
    {
        var decision = EntitlementPolicy.Decide(courseRule, context, now);
        if (!decision.Allowed)
            return decision;
        var opensAt = drip.OpensAt(enrolledAt ?? now);
        return opensAt is { } at && now < at ? AccessDecision.Deny(AccessReason.NotYetDripped) : decision;
    }
}

/// <summary>Progress through a course: a course is complete when every lesson is.</summary>
public readonly record struct CourseProgress(int Completed, int Total)
{
    public int Percent => Total == 0 ? 0 : (int)Math.Floor(Completed * 100m / Total);
    public bool IsComplete => Total > 0 && Completed >= Total;
}
