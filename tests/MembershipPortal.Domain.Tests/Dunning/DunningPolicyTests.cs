using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using static MembershipPortal.Domain.Billing.SubscriptionStatus;
using static MembershipPortal.Domain.Dunning.DunningStepKind;

namespace MembershipPortal.Domain.Tests.Dunning;

public class DunningPolicyTests
{
    private static readonly DunningPolicy Policy = DunningPolicy.Default; // retries on days 1, 3, 5, 7; grace 7 days; then unpaid

    /// <summary>(days since the first failure, failed attempts so far, status) → next step, its day, and whether it is due now.</summary>
    public static TheoryData<double, int, SubscriptionStatus, DunningStepKind, int, bool> Steps => new()
    {
        { 0, 1, PastDue, RetryPayment, 1, false },
        { 0.99, 1, PastDue, RetryPayment, 1, false },
        { 1, 1, PastDue, RetryPayment, 1, true },
        { 1, 2, PastDue, RetryPayment, 3, false },
        { 2.5, 2, PastDue, RetryPayment, 3, false },
        { 3, 2, PastDue, RetryPayment, 3, true },
        { 4, 3, PastDue, RetryPayment, 5, false },
        { 5, 3, PastDue, RetryPayment, 5, true },
        { 6, 4, PastDue, RetryPayment, 7, false },
        // the retry on the last day of grace is still made before the final action
        { 7, 4, PastDue, RetryPayment, 7, true },
        { 6.5, 5, PastDue, ApplyFinalAction, 7, false },
        { 7, 5, PastDue, ApplyFinalAction, 7, true },
        { 12, 5, PastDue, ApplyFinalAction, 7, true },
        // a portal that was down runs the missed retry first (one per run), then the final action
        { 10, 2, PastDue, RetryPayment, 3, true },
        { 0, 0, Active, DunningStepKind.None, 0, false },
        { 9, 5, Unpaid, DunningStepKind.None, 0, false },
        { 9, 5, SubscriptionStatus.Canceled, DunningStepKind.None, 0, false },
        { 0, 0, Trialing, DunningStepKind.None, 0, false },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void NextStep_DefaultPolicy_FollowsTable(double days, int attempts, SubscriptionStatus status, DunningStepKind kind, int day, bool due)
    {
        var step = Policy.NextStep(status, TimeSpan.FromDays(days), attempts);

        Assert.Equal(kind, step.Kind);
        Assert.Equal(day, step.Day);
        Assert.Equal(due, step.IsDue);
        Assert.Equal(kind == RetryPayment ? attempts - 1 : null, step.RetryIndex);
    }

    /// <summary>(days since the first failure, attempts, status) → the notice due now; each is sent once, so only the day it first appears matters.</summary>
    public static TheoryData<double, int, SubscriptionStatus, DunningNotice?> Notices => new()
    {
        { 0, 1, PastDue, DunningNotice.PaymentFailed },
        { 0.5, 1, PastDue, DunningNotice.PaymentFailed },
        { 1, 2, PastDue, DunningNotice.Reminder },
        { 3, 3, PastDue, DunningNotice.Reminder },
        { 4.9, 3, PastDue, DunningNotice.Reminder },
        { 5, 4, PastDue, DunningNotice.FinalNotice },
        { 6.9, 4, PastDue, DunningNotice.FinalNotice },
        // on the last day the final action's own notice ("suspended") is sent with it
        { 7, 5, PastDue, null },
        { 7, 5, Unpaid, DunningNotice.Suspended },
        { 30, 5, Unpaid, DunningNotice.Suspended },
        // a portal that was down for days sends the notice that fits today, not every one it missed
        { 6, 1, PastDue, DunningNotice.FinalNotice },
        { 0, 0, Active, null },
        { 0, 0, Trialing, null },
        { 3, 2, SubscriptionStatus.Canceled, null },
    };

    [Theory]
    [MemberData(nameof(Notices))]
    public void NoticeDue_DefaultPolicy_FollowsTable(double days, int attempts, SubscriptionStatus status, DunningNotice? expected)
    {
        Assert.Equal(expected, Policy.NoticeDue(status, TimeSpan.FromDays(days), attempts));
    }

    [Theory]
    [InlineData(new[] { 1, 3, 5, 7 }, 7, 1, 5)]
    [InlineData(new[] { 2, 4 }, 10, 2, 8)]
    [InlineData(new int[0], 10, 5, 8)]
    [InlineData(new int[0], 2, 1, null)]
    [InlineData(new[] { 3 }, 4, null, 2)]
    [InlineData(new int[0], 0, null, null)]
    public void NoticeDays_DerivedFromRetriesAndGrace(int[] retries, int grace, int? reminder, int? final)
    {
        var policy = new DunningPolicy(retries, grace, GraceExpiryAction.Cancel);
        Assert.Equal(reminder, policy.ReminderDay);
        Assert.Equal(final, policy.FinalNoticeDay);
    }

    [Fact]
    public void NoticeDue_NoGrace_NothingBeforeSuspension()
    {
        var policy = new DunningPolicy([], 0, GraceExpiryAction.MarkUnpaid);
        Assert.Null(policy.NoticeDue(PastDue, TimeSpan.Zero, 1));
        Assert.Equal(new DunningStep(ApplyFinalAction, 0, true, null), policy.NextStep(PastDue, TimeSpan.Zero, 1));
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, 7, "increasing")]
    [InlineData(new[] { 1, 1 }, 7, "increasing")]
    [InlineData(new[] { 0, 2 }, 7, "between 1 and 60")]
    [InlineData(new[] { 1, 9 }, 7, "within the grace period")]
    [InlineData(new[] { 1 }, -1, "grace period must be")]
    [InlineData(new[] { 1 }, 61, "grace period must be")]
    public void Create_InvalidPolicy_Throws(int[] retries, int grace, string message)
    {
        var ex = Assert.Throws<DomainException>(() => new DunningPolicy(retries, grace, GraceExpiryAction.MarkUnpaid));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("1, 3, 5, 7", new[] { 1, 3, 5, 7 })]
    [InlineData(" 2 4;6 ", new[] { 2, 4, 6 })]
    [InlineData("", new int[0])]
    public void ParseDays_CommaOrSpaceSeparated(string text, int[] expected)
    {
        Assert.Equal(expected, DunningPolicy.ParseDays(text));
        Assert.Equal(expected, DunningPolicy.ParseDays(DunningPolicy.FormatDays(expected)));
    }

    [Theory]
    [InlineData("1, x")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void ParseDays_NotWholeNumbers_Throws(string text)
    {
        Assert.Throws<DomainException>(() => DunningPolicy.ParseDays(text));
    }
}
