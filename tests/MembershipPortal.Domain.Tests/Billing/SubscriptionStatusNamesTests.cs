using MembershipPortal.Domain.Billing;

namespace MembershipPortal.Domain.Tests.Billing;

public class SubscriptionStatusNamesTests
{
    [Theory]
    [InlineData(SubscriptionStatus.Incomplete, "incomplete")]
    [InlineData(SubscriptionStatus.Trialing, "trialing")]
    [InlineData(SubscriptionStatus.Active, "active")]
    [InlineData(SubscriptionStatus.PastDue, "past_due")]
    [InlineData(SubscriptionStatus.Unpaid, "unpaid")]
    [InlineData(SubscriptionStatus.Paused, "paused")]
    [InlineData(SubscriptionStatus.Canceled, "canceled")]
    public void ToStripeName_EachStatus_RoundTripsThroughFromStripeName(SubscriptionStatus status, string stripeName)
    {
        Assert.Equal(stripeName, status.ToStripeName());
        Assert.Equal(status, SubscriptionStatusNames.FromStripeName(stripeName));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pastdue")]
    [InlineData("suspended")]
    public void FromStripeName_UnknownName_ReturnsNull(string? name)
    {
        Assert.Null(SubscriptionStatusNames.FromStripeName(name));
    }

    [Fact]
    public void FromStripeName_IncompleteExpired_MapsToCanceled()
    {
        Assert.Equal(SubscriptionStatus.Canceled, SubscriptionStatusNames.FromStripeName("incomplete_expired"));
    }
}
