using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Notifications;

/// <summary>A card is valid through the last day of its expiry month; warn ahead when it runs out before the next renewal.</summary>
public static class CardExpiry
{
    public const int DefaultLeadDays = 30;

    /// <summary>The first instant the card no longer works: midnight UTC starting the month after expiry.</summary>
    public static DateTimeOffset ExpiresAt(int month, int year)
    {
        if (month is < 1 or > 12)
            throw new DomainException($"{month} is not a month.");
        if (year is < 2000 or > 2200)
            throw new DomainException($"{year} is not a card expiry year.");
        return new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
    }

    /// <summary>True from <paramref name="leadDays"/> before expiry until expiry, when the card expires before <paramref name="nextRenewal"/>.</summary>
    public static bool NoticeDue(int month, int year, DateTimeOffset nextRenewal, DateTimeOffset now, int leadDays = DefaultLeadDays)
    {
        var expires = ExpiresAt(month, year);
        return expires <= nextRenewal && now >= expires.AddDays(-leadDays) && now < expires;
    }
}
