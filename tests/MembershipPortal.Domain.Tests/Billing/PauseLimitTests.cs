using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Billing;

public class PauseLimitTests
{
    // A pause lasts 1 to 3 periods: months for a subscription, boxes for a box.
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Allows_OneToThree(int periods, bool allowed) => Assert.Equal(allowed, PauseLimit.Allows(periods));

    [Theory]
    [InlineData("months")]
    [InlineData("boxes")]
    public void Ensure_OutOfRange_ThrowsNamingTheUnit(string unit)
    {
        var ex = Assert.Throws<DomainException>(() => PauseLimit.Ensure(4, unit));
        Assert.Equal($"A pause lasts 1 to 3 {unit}.", ex.Message);
    }

    [Fact]
    public void Choices_AreOneToThree() => Assert.Equal([1, 2, 3], PauseLimit.Choices);
}
