using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Billing;

public sealed class SaveDiscountTests
{
    private static readonly DateTimeOffset First = new(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);

    private static InvoiceLine Renewal(long minor) => new(InvoiceLineKind.Subscription, Guid.NewGuid(), "Renewal", 1, new Money(minor, "USD"), true);

    // The offer covers exactly the renewals starting in the N months from the first one after accepting.
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void LineFor_MonthlyRenewals_DiscountsOnlyTheNextThree(int monthsAfterFirst, bool discounted)
    {
        var offer = new SaveDiscount(20, 3, First);

        var line = offer.LineFor([Renewal(2000)], First.AddMonths(monthsAfterFirst));

        Assert.Equal(discounted ? -400 : (long?)null, line?.Amount.Minor);
    }

    [Fact]
    public void LineFor_ShippingOnTheRenewal_IsNotDiscounted()
    {
        var offer = new SaveDiscount(50, 1, First);
        var shipping = new InvoiceLine(InvoiceLineKind.Shipping, null, "Shipping to Canada", 1, new Money(1200, "USD"), true);

        Assert.Equal(-1000, offer.LineFor([Renewal(2000), shipping], First)!.Amount.Minor);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(101, 3)]
    [InlineData(20, 0)]
    [InlineData(20, 13)]
    public void Constructor_OutOfRange_Throws(int percent, int months) =>
        Assert.Throws<DomainException>(() => new SaveDiscount(percent, months, First));
}
