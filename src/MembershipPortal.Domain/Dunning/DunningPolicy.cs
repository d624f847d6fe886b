using System.Globalization;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Dunning;

/// <summary>
/// The Owner's dunning policy: retries on given days after the first failed payment, a grace period with access, then
/// the final action. It answers two questions for a subscription in trouble, each a pure function of (time since the
/// first failure, attempts so far, status): which billing step comes next, and which notice is due now.
/// </summary>
public sealed record DunningPolicy
{
    public const int MaxDays = 60;

    /// <summary>How long before the final action the last-chance notice goes out.</summary>
    public const int FinalNoticeLeadDays = 2;

    public static readonly DunningPolicy Default = new([1, 3, 5, 7], 7, GraceExpiryAction.MarkUnpaid);

    public DunningPolicy(IReadOnlyList<int> retryDays, int graceDays, GraceExpiryAction finalAction)
    {
        ArgumentNullException.ThrowIfNull(retryDays);
        if (graceDays is < 0 or > MaxDays)
            throw new DomainException($"The grace period must be between 0 and {MaxDays} days; {graceDays} was given.");
        if (retryDays.Any(d => d is < 1 or > MaxDays))
            throw new DomainException($"Retry days must be between 1 and {MaxDays}.");
        for (var i = 1; i < retryDays.Count; i++)
            if (retryDays[i] <= retryDays[i - 1])
                throw new DomainException("Retry days must be in increasing order, each day once (for example 1, 3, 5, 7).");
        if (retryDays.Count > 0 && retryDays[^1] > graceDays)
            throw new DomainException($"The last retry (day {retryDays[^1]}) must fall within the grace period of {graceDays} days.");
        if (!Enum.IsDefined(finalAction))
            throw new DomainException($"'{finalAction}' is not a final action.");
        RetryDays = [.. retryDays];
        GraceDays = graceDays;
        FinalAction = finalAction;
    }

    /// <summary>Days after the first failure on which the payment is tried again, ascending.</summary>
    public IReadOnlyList<int> RetryDays { get; }

    /// <summary>Days after the first failure during which the member keeps access.</summary>
    public int GraceDays { get; }

    public GraceExpiryAction FinalAction { get; }

    /// <summary>The day the "we'll try again" reminder is due: the first retry, or halfway through grace without retries.</summary>
    public int? ReminderDay
    {
        get
        {
            var day = RetryDays.Count > 0 ? RetryDays[0] : GraceDays / 2;
            return day >= 1 && day < GraceDays && day < (FinalNoticeDay ?? int.MaxValue) ? day : null;
        }
    }

    /// <summary>The day the last-chance notice is due, <see cref="FinalNoticeLeadDays"/> before the final action; null when grace is too short.</summary>
    public int? FinalNoticeDay => GraceDays - FinalNoticeLeadDays >= 1 ? GraceDays - FinalNoticeLeadDays : null;

    /// <summary>Parses "1, 3, 5, 7" (commas or spaces); an empty text means no retries.</summary>
    public static IReadOnlyList<int> ParseDays(string? text)
    {
        var parts = (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var days = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
                throw new DomainException($"'{part}' is not a whole number of days.");
            days.Add(day);
        }
        return days;
    }

    public static string FormatDays(IEnumerable<int> days) => string.Join(", ", days.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// The next billing step for a subscription. Attempt 1 is the failed renewal itself, so after <paramref name="attempts"/>
    /// failures the retry with index attempts − 1 is the next one. A retry on the last day of grace is still made before
    /// the final action. Outside past due there is nothing to do.
    /// </summary>
    public DunningStep NextStep(SubscriptionStatus status, TimeSpan sinceFirstFailure, int attempts)
    {
        if (status != SubscriptionStatus.PastDue)
            return DunningStep.None;
        if (attempts < 1)
            throw new DomainException("A past-due subscription has at least one failed attempt.");
        var days = sinceFirstFailure.TotalDays;
        var retryIndex = attempts - 1;
        if (retryIndex < RetryDays.Count)
        {
            var retryDay = RetryDays[retryIndex];
            return new DunningStep(DunningStepKind.RetryPayment, retryDay, days >= retryDay, retryIndex);
        }
        return new DunningStep(DunningStepKind.ApplyFinalAction, GraceDays, days >= GraceDays, null);
    }

    /// <summary>
    /// The dunning notice due now: the most advanced one whose day has come, so a portal that was down for days sends the
    /// notice that fits today rather than every one it missed. Unpaid (after the final action) is "suspended".
    /// </summary>
    public DunningNotice? NoticeDue(SubscriptionStatus status, TimeSpan sinceFirstFailure, int attempts)
    {
        if (status == SubscriptionStatus.Unpaid)
            return DunningNotice.Suspended;
        if (status != SubscriptionStatus.PastDue || attempts < 1)
            return null;
        var days = sinceFirstFailure.TotalDays;
        if (days >= GraceDays)
            return null; // the final action is due; its notice is sent with it
        if (FinalNoticeDay is { } final && days >= final)
            return DunningNotice.FinalNotice;
        if (ReminderDay is { } reminder && days >= reminder)
            return DunningNotice.Reminder;
        return DunningNotice.PaymentFailed;
    }
}

public enum DunningStepKind
{
    /// <summary>Not in dunning.</summary>
    None,
    RetryPayment,

    /// <summary>Grace is over: mark unpaid or cancel, per <see cref="DunningPolicy.FinalAction"/>.</summary>
    ApplyFinalAction,
}

/// <summary>What dunning does next for a subscription and on which day after the first failure; <see cref="IsDue"/> when that day has come.</summary>
public sealed record DunningStep(DunningStepKind Kind, int Day, bool IsDue, int? RetryIndex)
{
    public static readonly DunningStep None = new(DunningStepKind.None, 0, false, null);
}

/// <summary>The member-facing steps of dunning, each sent at most once per run of failures.</summary>
public enum DunningNotice
{
    PaymentFailed,
    Reminder,
    FinalNotice,
    Suspended,
    Recovered,
}
