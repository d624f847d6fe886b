using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Notifications;

/// <summary>One reminder: <see cref="DaysBefore"/> days before the renewal at <see cref="RenewalAt"/>.</summary>
public sealed record RenewalReminder(DateTimeOffset RenewalAt, int DaysBefore, DateTimeOffset At);

/// <summary>
/// When to remind a member that their subscription renews: N days before each renewal, with a list for periods shorter
/// than a year (default 7) and another for yearly and longer (default 30 and 7). Renewal dates come from the billing
/// anchor (<see cref="PriceTerms.BoundaryAfter"/>), so month ends and leap days follow the billing rules exactly.
/// </summary>
public sealed record RenewalReminderPolicy
{
    public const int MaxDays = 90;

    public static readonly RenewalReminderPolicy Default = new([7], [30, 7]);

    public RenewalReminderPolicy(IReadOnlyList<int> shortPeriodDays, IReadOnlyList<int> yearlyDays)
    {
        ShortPeriodDays = Normalize(shortPeriodDays, "monthly and quarterly");
        YearlyDays = Normalize(yearlyDays, "yearly");
    }

    /// <summary>Days before renewal for cadences shorter than a year (monthly, quarterly, weekly ...).</summary>
    public IReadOnlyList<int> ShortPeriodDays { get; }

    /// <summary>Days before renewal for yearly (and longer) cadences.</summary>
    public IReadOnlyList<int> YearlyDays { get; }

    public IReadOnlyList<int> DaysFor(PriceTerms terms) => terms.PeriodMonths >= 12 ? YearlyDays : ShortPeriodDays;

    /// <summary>
    /// The reminders for the first renewal after <paramref name="now"/>, earliest first. A reminder that would fall on or
    /// before the start of the period it announces the end of (7 days before a weekly renewal) is dropped.
    /// </summary>
    public IReadOnlyList<RenewalReminder> For(PriceTerms terms, DateTimeOffset anchor, DateTimeOffset now)
    {
        var renewal = terms.BoundaryAfter(anchor, now);
        var periodStart = terms.BoundaryBefore(anchor, renewal);
        return DaysFor(terms)
            .Select(d => new RenewalReminder(renewal, d, renewal.AddDays(-d)))
            .Where(r => r.At > periodStart)
            .OrderBy(r => r.At)
            .ToList();
    }

    /// <summary>The reminder due at <paramref name="now"/> for the coming renewal: the latest whose time has come, or null.</summary>
    public RenewalReminder? Due(PriceTerms terms, DateTimeOffset anchor, DateTimeOffset now) =>
        For(terms, anchor, now).LastOrDefault(r => r.At <= now);

    private static int[] Normalize(IReadOnlyList<int> days, string what)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Any(d => d is < 1 or > MaxDays))
            throw new DomainException($"Renewal reminder days for {what} plans must be between 1 and {MaxDays}.");
        return [.. days.Distinct().OrderByDescending(d => d)];
    }
}
