using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Billing;

public class QuantityLimitTests
{
    // A member chooses 1 to 10 of an item, at checkout and on the billing page alike.
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(-3, false)]
    public void Allows_OneToTen(int quantity, bool allowed) => Assert.Equal(allowed, QuantityLimit.Allows(quantity));

    [Fact]
    public void Ensure_OutOfRange_ThrowsWithTheLimits()
    {
        var ex = Assert.Throws<DomainException>(() => QuantityLimit.Ensure(11));
        Assert.Equal("Choose a quantity between 1 and 10.", ex.Message);
    }

    [Fact]
    public void Ensure_InRange_DoesNotThrow() => QuantityLimit.Ensure(10);
}
