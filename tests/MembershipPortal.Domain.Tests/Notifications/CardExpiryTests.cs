using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Notifications;

namespace MembershipPortal.Domain.Tests.Notifications;

public class CardExpiryTests
{
    private static DateTimeOffset Day(int y, int m, int d) => new(y, m, d, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ExpiresAt_IsStartOfFollowingMonth()
    {
        Assert.Equal(new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero), CardExpiry.ExpiresAt(12, 2027));
        Assert.Equal(new DateTimeOffset(2028, 3, 1, 0, 0, 0, TimeSpan.Zero), CardExpiry.ExpiresAt(2, 2028));
    }

    /// <summary>(card expiry, next renewal, now) → warn? Only within 30 days of expiry, and only if the card dies before the renewal.</summary>
    [Theory]
    [InlineData(3, 2027, 2027, 4, 10, 2027, 3, 5, true)]
    [InlineData(3, 2027, 2027, 4, 10, 2027, 2, 28, false)]
    [InlineData(3, 2027, 2027, 3, 20, 2027, 3, 5, false)]
    [InlineData(3, 2027, 2027, 4, 10, 2027, 4, 2, false)]
    [InlineData(2, 2028, 2028, 3, 5, 2028, 1, 31, true)]
    public void NoticeDue_Table(int expMonth, int expYear, int ry, int rm, int rd, int ny, int nm, int nd, bool due)
    {
        Assert.Equal(due, CardExpiry.NoticeDue(expMonth, expYear, Day(ry, rm, rd), Day(ny, nm, nd)));
    }

    [Fact]
    public void ExpiresAt_BadMonth_Throws() => Assert.Throws<DomainException>(() => CardExpiry.ExpiresAt(13, 2027));
}
