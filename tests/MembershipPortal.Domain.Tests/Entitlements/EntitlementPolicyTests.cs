using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Entitlements;
using static MembershipPortal.Domain.Tests.Catalog.TestCatalog;

namespace MembershipPortal.Domain.Tests.Entitlements;

public class EntitlementPolicyTests
{
    private static readonly DateTimeOffset Now = Utc(2025, 6, 15, 12);
    private static readonly Guid Gold = Guid.NewGuid();
    private static readonly Guid Silver = Guid.NewGuid();
    private static readonly AccessRule GoldContent = AccessRule.RequiresAnyOf(Gold);

    private static SubscriptionAccess Sub(
        SubscriptionStatus status, Guid? product = null, DateTimeOffset? periodEnd = null, DateTimeOffset? firstFailedAt = null) =>
        new(status, new HashSet<Guid> { product ?? Gold }, Now.AddMonths(-3), periodEnd ?? Now.AddDays(10), firstFailedAt);

    private static AccessDecision Decide(AccessRule rule, params SubscriptionAccess[] subscriptions) =>
        EntitlementPolicy.Decide(rule, MemberAccessContext.SignedIn(subscriptions), Now);

    [Fact]
    public void Decide_PublicRule_AllowsAnonymousVisitor()
    {
        Assert.Equal(AccessDecision.Allow(AccessReason.Public),
            EntitlementPolicy.Decide(AccessRule.Public, MemberAccessContext.Anonymous, Now));
    }

    [Theory]
    [InlineData(false, false, AccessReason.NotSignedIn)]
    [InlineData(true, true, AccessReason.SignedIn)]
    public void Decide_MembersRule_RequiresSignIn(bool signedIn, bool expectedAllowed, AccessReason expectedReason)
    {
        var context = signedIn ? MemberAccessContext.SignedIn() : MemberAccessContext.Anonymous;

        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), EntitlementPolicy.Decide(AccessRule.Members, context, Now));
    }

    [Fact]
    public void Decide_ProductRuleForAnonymousVisitor_NotSignedIn()
    {
        Assert.Equal(AccessDecision.Deny(AccessReason.NotSignedIn),
            EntitlementPolicy.Decide(GoldContent, MemberAccessContext.Anonymous, Now));
    }

    [Theory]
    [InlineData(SubscriptionStatus.Active, true, AccessReason.ActiveSubscription)]
    [InlineData(SubscriptionStatus.Trialing, true, AccessReason.Trialing)]
    [InlineData(SubscriptionStatus.Unpaid, false, AccessReason.Unpaid)]
    [InlineData(SubscriptionStatus.Paused, false, AccessReason.Paused)]
    [InlineData(SubscriptionStatus.Incomplete, false, AccessReason.Incomplete)]
    [InlineData(SubscriptionStatus.Canceled, true, AccessReason.CanceledUntilPeriodEnd)] // period ends in 10 days
    [InlineData((SubscriptionStatus)42, false, AccessReason.UnknownStatus)]
    public void Decide_SubscriptionForProduct_DecidedByStatus(SubscriptionStatus status, bool expectedAllowed, AccessReason expectedReason)
    {
        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), Decide(GoldContent, Sub(status)));
    }

    // Past due keeps access for the grace period counted from the first failed payment, exclusive of its end.
    [Theory]
    [InlineData(-1, true, AccessReason.PastDueInGrace)]
    [InlineData(0, false, AccessReason.PaymentPastDueGraceOver)]
    [InlineData(1, false, AccessReason.PaymentPastDueGraceOver)]
    public void Decide_PastDueAroundGraceEnd_GrantedOnlyBeforeIt(int secondsFromGraceEnd, bool expectedAllowed, AccessReason expectedReason)
    {
        var firstFailedAt = Now.AddDays(-7).AddSeconds(-secondsFromGraceEnd);

        var decision = Decide(GoldContent, Sub(SubscriptionStatus.PastDue, firstFailedAt: firstFailedAt));

        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), decision);
    }

    [Fact]
    public void Decide_PastDueWithShorterConfiguredGrace_UsesConfiguredDays()
    {
        var context = MemberAccessContext.SignedIn([Sub(SubscriptionStatus.PastDue, firstFailedAt: Now.AddDays(-4))], gracePeriodDays: 3);

        Assert.Equal(AccessDecision.Deny(AccessReason.PaymentPastDueGraceOver), EntitlementPolicy.Decide(GoldContent, context, Now));
    }

    [Theory]
    [InlineData(1, true, AccessReason.CanceledUntilPeriodEnd)]
    [InlineData(0, false, AccessReason.SubscriptionEnded)]
    [InlineData(-1, false, AccessReason.SubscriptionEnded)]
    public void Decide_CanceledAroundPeriodEnd_GrantedOnlyBeforeIt(int secondsUntilPeriodEnd, bool expectedAllowed, AccessReason expectedReason)
    {
        var decision = Decide(GoldContent, Sub(SubscriptionStatus.Canceled, periodEnd: Now.AddSeconds(secondsUntilPeriodEnd)));

        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), decision);
    }

    [Theory]
    [InlineData(null, true, AccessReason.Comped)]
    [InlineData(1, true, AccessReason.Comped)]
    [InlineData(0, false, AccessReason.SubscriptionEnded)]
    public void Decide_Comp_GrantedUntilItsEnd(int? secondsUntilEnd, bool expectedAllowed, AccessReason expectedReason)
    {
        var comp = new CompAccess(Gold, secondsUntilEnd is { } s ? Now.AddSeconds(s) : null);

        var decision = EntitlementPolicy.Decide(GoldContent, MemberAccessContext.SignedIn(comps: [comp]), Now);

        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), decision);
    }

    [Fact]
    public void Decide_LiveSubscriptionToOtherProduct_TierTooLow()
    {
        Assert.Equal(AccessDecision.Deny(AccessReason.TierTooLow), Decide(GoldContent, Sub(SubscriptionStatus.Active, Silver)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decide_NothingLiveForAnyProduct_NotEntitled(bool hasEndedSilverSubscription)
    {
        var subscriptions = hasEndedSilverSubscription
            ? [Sub(SubscriptionStatus.Canceled, Silver, periodEnd: Now.AddDays(-1))]
            : Array.Empty<SubscriptionAccess>();

        Assert.Equal(AccessDecision.Deny(AccessReason.NotEntitled), Decide(GoldContent, subscriptions));
    }

    [Fact]
    public void Decide_RuleListingSeveralProducts_AnyOneGrants()
    {
        var rule = AccessRule.RequiresAnyOf(Gold, Silver);

        Assert.Equal(AccessDecision.Allow(AccessReason.ActiveSubscription), Decide(rule, Sub(SubscriptionStatus.Active, Silver)));
    }

    [Fact]
    public void Decide_UnpaidSubscriptionAndComp_CompGrants()
    {
        var context = MemberAccessContext.SignedIn([Sub(SubscriptionStatus.Unpaid)], [new CompAccess(Gold)]);

        Assert.Equal(AccessDecision.Allow(AccessReason.Comped), EntitlementPolicy.Decide(GoldContent, context, Now));
    }

    [Fact]
    public void Decide_SeveralDenials_ReportsMostActionableReason()
    {
        var decision = Decide(GoldContent,
            Sub(SubscriptionStatus.Canceled, periodEnd: Now.AddDays(-30)),
            Sub(SubscriptionStatus.Unpaid));

        Assert.Equal(AccessDecision.Deny(AccessReason.Unpaid), decision);
    }

    [Theory]
    [InlineData(91, false, AccessReason.NotYetDripped)] // the subscription started exactly 90 days ago
    [InlineData(90, true, AccessReason.ActiveSubscription)]
    public void Decide_DripRule_UnlocksDaysAfterSubscriptionStart(int dripDays, bool expectedAllowed, AccessReason expectedReason)
    {
        var rule = AccessRule.RequiresAnyOf([Gold], dripDays);

        var decision = Decide(rule, Sub(SubscriptionStatus.Active) with { StartedAt = Now.AddDays(-90) });

        Assert.Equal(new AccessDecision(expectedAllowed, expectedReason), decision);
    }

    [Fact]
    public void Decide_FromSubscriptionAggregate_PastDueLosesAccessWhenGraceEnds()
    {
        var subscription = Subscription.Start("member-1", [new(Monthly(1000, productId: Gold))], Now, paymentConfirmed: true);
        var failedAt = subscription.CurrentPeriodEnd;
        subscription.RecordPaymentFailed(failedAt);
        var context = MemberAccessContext.SignedIn([SubscriptionAccess.From(subscription)]);

        Assert.True(EntitlementPolicy.Decide(GoldContent, context, failedAt.AddDays(7).AddSeconds(-1)).Allowed);
        Assert.False(EntitlementPolicy.Decide(GoldContent, context, failedAt.AddDays(7)).Allowed);
    }
}
