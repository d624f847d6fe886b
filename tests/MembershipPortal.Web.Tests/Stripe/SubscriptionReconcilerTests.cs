using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace MembershipPortal.Web.Tests.Stripe;

/// <summary>Following Stripe's state with domain methods only, without a database or Stripe.net.</summary>
public sealed class SubscriptionReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ProductId = Guid.NewGuid();
    private static readonly CatalogPrice Monthly = CatalogPrice.Create(ProductId, PriceTerms.Monthly(new Money(2000, "USD")));
    private static readonly CatalogPrice MonthlyWithTrial = CatalogPrice.Create(ProductId, PriceTerms.Monthly(new Money(2000, "USD"), trialDays: 14));
    private static readonly CatalogPrice Yearly = CatalogPrice.Create(ProductId, PriceTerms.Yearly(new Money(20000, "USD")));
    private static readonly CatalogPrice AddOn = CatalogPrice.Create(Guid.NewGuid(), PriceTerms.Monthly(new Money(500, "USD")));

    private readonly SubscriptionReconciler reconciler = new(NullLogger.Instance);

    private static GatewaySubscriptionState Remote(
        string status, DateTimeOffset? periodEnd = null, bool cancelAtPeriodEnd = false, DateTimeOffset? resumesAt = null,
        IReadOnlyList<GatewaySubscriptionItem>? items = null) =>
        new(SubscriptionStatusNames.FromStripeName(status), status, items ?? [new GatewaySubscriptionItem(Monthly, 1)],
            periodEnd ?? Start.AddMonths(1), cancelAtPeriodEnd, null, resumesAt);

    private static CatalogPrice PriceFor(string localStatus) => localStatus == "trialing" ? MonthlyWithTrial : Monthly;

    /// <summary>A subscription started on <see cref="Start"/>, then driven to the named local status.</summary>
    private static Subscription Local(string status)
    {
        var subscription = Subscription.Start("member-1", [new NewSubscriptionItem(PriceFor(status))], Start, paymentConfirmed: status != "incomplete");
        var later = Start.AddDays(1);
        switch (status)
        {
            case "past_due":
                subscription.RecordPaymentFailed(later);
                break;
            case "unpaid":
                subscription.RecordPaymentFailed(later);
                subscription.ExpireGrace(later, GraceExpiryAction.MarkUnpaid);
                break;
            case "paused":
                subscription.Pause(Start.AddDays(20), later);
                break;
            case "canceled":
                subscription.CancelNow(later);
                break;
        }
        return subscription;
    }

    [Theory]
    [InlineData("active", "past_due", SubscriptionStatus.PastDue)]
    [InlineData("trialing", "past_due", SubscriptionStatus.PastDue)]
    [InlineData("past_due", "active", SubscriptionStatus.Active)]
    [InlineData("unpaid", "active", SubscriptionStatus.Active)]
    [InlineData("active", "unpaid", SubscriptionStatus.Unpaid)]
    [InlineData("past_due", "unpaid", SubscriptionStatus.Unpaid)]
    [InlineData("incomplete", "active", SubscriptionStatus.Active)]
    [InlineData("incomplete", "incomplete_expired", SubscriptionStatus.Canceled)]
    [InlineData("trialing", "active", SubscriptionStatus.Active)]
    [InlineData("active", "canceled", SubscriptionStatus.Canceled)]
    [InlineData("past_due", "canceled", SubscriptionStatus.Canceled)]
    [InlineData("paused", "active", SubscriptionStatus.Active)]
    [InlineData("paused", "canceled", SubscriptionStatus.Canceled)]
    // Stripe never revives a canceled subscription or returns one to incomplete: such a state is logged, not followed.
    [InlineData("canceled", "active", SubscriptionStatus.Canceled)]
    [InlineData("active", "incomplete", SubscriptionStatus.Active)]
    [InlineData("active", "some_future_status", SubscriptionStatus.Active)]
    public void Apply_StripeStatus_MovesLocalStatusThroughTheDomain(string local, string remote, SubscriptionStatus expected)
    {
        var subscription = Local(local);
        var now = Start.AddDays(2);

        reconciler.Apply(subscription, Remote(remote, periodEnd: Start.AddMonths(1), items: [new GatewaySubscriptionItem(PriceFor(local), 1)]), now);

        Assert.Equal(expected, subscription.Status);
    }

    [Theory]
    [InlineData("active")]
    [InlineData("past_due")]
    [InlineData("canceled")]
    public void Apply_SameStateTwice_SecondTimeChangesNothing(string remote)
    {
        var subscription = Local("active");
        var state = Remote(remote, cancelAtPeriodEnd: remote == "active", items: [new GatewaySubscriptionItem(Monthly, 2)]);
        reconciler.Apply(subscription, state, Start.AddDays(2));
        var history = subscription.History.Count;
        var version = subscription.Version;

        reconciler.Apply(subscription, state, Start.AddDays(3));

        Assert.Equal(history, subscription.History.Count);
        Assert.Equal(version, subscription.Version);
    }

    [Fact]
    public void Apply_PastDue_StartsTheGracePeriodNow()
    {
        var subscription = Local("active");
        var now = Start.AddMonths(1).AddHours(1);

        reconciler.Apply(subscription, Remote("past_due", periodEnd: Start.AddMonths(2)), now);

        Assert.Equal(now, subscription.FirstFailedPaymentAt);
        Assert.Equal(Start.AddMonths(1), subscription.CurrentPeriodEnd);
    }

    [Fact]
    public void Apply_RecoveredFromPastDue_PaidThroughStripesPeriodEnd()
    {
        var subscription = Local("past_due");

        reconciler.Apply(subscription, Remote("active", periodEnd: Start.AddMonths(2)), Start.AddMonths(1).AddDays(2));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
        Assert.Equal(Start.AddMonths(2), subscription.CurrentPeriodEnd);
        Assert.Null(subscription.FirstFailedPaymentAt);
    }

    [Fact]
    public void Apply_CanceledAfterScheduledCancelAndPeriodEnd_EndsThePeriod()
    {
        var subscription = Local("active");
        subscription.ScheduleCancel("too expensive", Start.AddDays(3));

        reconciler.Apply(subscription, Remote("canceled"), Start.AddMonths(1).AddMinutes(1));

        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
        Assert.Equal(Start.AddMonths(1), subscription.CurrentPeriodEnd);
        Assert.Equal("Canceled at the end of the period.", subscription.History[^1].Detail);
    }

    [Fact]
    public void Apply_CollectionPausedUntilADate_PausesUntilThen()
    {
        var subscription = Local("active");
        var until = Start.AddMonths(2);

        reconciler.Apply(subscription, Remote("paused", resumesAt: until), Start.AddDays(5));

        Assert.Equal(SubscriptionStatus.Paused, subscription.Status);
        Assert.Equal(until, subscription.PausedUntil);
    }

    [Fact]
    public void Apply_PausedWithoutEndDate_IsNotFollowed()
    {
        var subscription = Local("active");

        reconciler.Apply(subscription, Remote("paused", resumesAt: null), Start.AddDays(5));

        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
    }

    [Fact]
    public void Apply_TrialEndedWithoutCard_Pauses()
    {
        var subscription = Local("trialing");

        reconciler.Apply(subscription, Remote("paused", periodEnd: Start.AddDays(14), items: [new GatewaySubscriptionItem(MonthlyWithTrial, 1)]), Start.AddDays(14));

        Assert.Equal(SubscriptionStatus.Paused, subscription.Status);
    }

    [Fact]
    public void Apply_CancelAtPeriodEndToggled_SchedulesThenUndoes()
    {
        var subscription = Local("active");

        reconciler.Apply(subscription, Remote("active", cancelAtPeriodEnd: true), Start.AddDays(2));
        Assert.True(subscription.CancelAtPeriodEnd);
        reconciler.Apply(subscription, Remote("active", cancelAtPeriodEnd: false), Start.AddDays(3));

        Assert.False(subscription.CancelAtPeriodEnd);
        Assert.Equal([SubscriptionChangeKind.CancelScheduled, SubscriptionChangeKind.CancelUndone], subscription.History.Skip(1).Select(h => h.Kind));
    }

    [Fact]
    public void Apply_SwitchedToYearlyAndAddOnAdded_ChangesPlanAndAddsItem()
    {
        var subscription = Local("active");
        var now = Start.AddDays(10);

        reconciler.Apply(subscription, Remote("active", periodEnd: now.AddYears(1), items: [new GatewaySubscriptionItem(Yearly, 1)]), now);

        var item = Assert.Single(subscription.Items);
        Assert.Equal(Yearly.Id, item.PriceId);
        Assert.Equal(now.AddYears(1), subscription.CurrentPeriodEnd);
        Assert.Equal(SubscriptionChangeKind.PlanChanged, subscription.History[^1].Kind);
    }

    [Fact]
    public void Apply_AddOnAddedThenRemoved_FollowsTheItems()
    {
        var subscription = Local("active");

        reconciler.Apply(subscription, Remote("active", items: [new GatewaySubscriptionItem(Monthly, 1), new GatewaySubscriptionItem(AddOn, 2)]), Start.AddDays(2));
        Assert.Equal(2, subscription.Items.Count);
        Assert.Equal(2, subscription.Items.Single(i => i.PriceId == AddOn.Id).Quantity);
        reconciler.Apply(subscription, Remote("active"), Start.AddDays(3));

        Assert.Equal(Monthly.Id, Assert.Single(subscription.Items).PriceId);
        Assert.Equal([SubscriptionChangeKind.ItemAdded, SubscriptionChangeKind.ItemRemoved], subscription.History.Skip(1).Select(h => h.Kind));
    }

    [Fact]
    public void Apply_RenewalAlreadyCollected_MovesThePeriodOnce()
    {
        var subscription = Local("active");
        var now = Start.AddMonths(1).AddMinutes(5);

        reconciler.Apply(subscription, Remote("active", periodEnd: Start.AddMonths(2)), now);
        reconciler.Apply(subscription, Remote("active", periodEnd: Start.AddMonths(2)), now.AddMinutes(1));

        Assert.Equal(Start.AddMonths(2), subscription.CurrentPeriodEnd);
        Assert.Single(subscription.History, h => h.Kind == SubscriptionChangeKind.Renewed);
    }
}
