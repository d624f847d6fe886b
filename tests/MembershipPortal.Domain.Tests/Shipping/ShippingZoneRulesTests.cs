using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Shipping;

namespace MembershipPortal.Domain.Tests.Shipping;

public sealed class ShippingZoneRulesTests
{
    private static readonly ShippingZone NorthAmerica = new("North America", new HashSet<string> { "US", "CA" }, new Money(700, "USD"), new Money(5000, "USD"));
    private static readonly ShippingZone Europe = new("Europe", new HashSet<string> { "DE", "FR" }, new Money(1200, "EUR"));

    // One flat rate per parcel for every country of the zone; free once the goods on the charge reach the threshold.
    [Theory]
    [InlineData("US", 2500, "USD", 700L)]
    [InlineData("CA", 4999, "USD", 700L)]
    [InlineData("CA", 5000, "USD", null)]
    [InlineData("US", 2500, "EUR", null)] // a rate in another currency is not charged
    [InlineData("DE", 99_000, "EUR", 1200L)] // no threshold: never free
    [InlineData("GB", 2500, "USD", null)] // in no zone
    public void ChargeFor_ZoneRateUnlessFreeOrAnotherCurrency(string country, long goods, string currency, long? expected)
    {
        var charge = ShippingZoneRules.ChargeFor([NorthAmerica, Europe], country, new Money(goods, currency));

        Assert.Equal(expected, charge?.Minor);
    }

    [Fact]
    public void Validate_ACountryInTwoZones_TheSameName_NoCountry_BadAmounts_Refused()
    {
        var overlapping = new ShippingZone("north america", new HashSet<string> { "CA", "GB" }, new Money(500, "USD"));
        var empty = new ShippingZone(" ", new HashSet<string>(), new Money(-1, "USD"), new Money(0, "USD"));
        var unknown = new ShippingZone("Asia", new HashSet<string> { "JP" }, new Money(500, "USD"), new Money(100, "EUR"));

        Assert.Equal(["There is already a zone called north america.", "Canada is already in North America."], ShippingZoneRules.Validate(overlapping, [NorthAmerica, Europe]));
        Assert.Equal(4, ShippingZoneRules.Validate(empty, []).Count);
        Assert.Equal(2, ShippingZoneRules.Validate(unknown, []).Count);
        Assert.Empty(ShippingZoneRules.Validate(NorthAmerica, [Europe]));
    }
}
