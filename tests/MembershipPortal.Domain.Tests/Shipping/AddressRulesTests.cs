using MembershipPortal.Domain.Shipping;

namespace MembershipPortal.Domain.Tests.Shipping;

public sealed class AddressRulesTests
{
    private static PostalAddress At(string country, string postal, string? region = null) =>
        new("Ada Lovelace", "1 Main Street", null, "Springfield", region, postal, country);

    [Theory]
    [InlineData("US", "62701", "IL")]
    [InlineData("US", "62701-1234", "ny")]
    [InlineData("CA", "K1A 0B1", "ON")]
    [InlineData("CA", "k1a0b1", "qc")]
    [InlineData("GB", "SW1A 1AA", null)]
    [InlineData("GB", "m11ae", null)]
    [InlineData("GB", "EC1A 1BB", "London")]
    [InlineData("DE", "10115", null)]
    [InlineData("FR", "75001", null)]
    [InlineData("AU", "2000", "NSW")]
    [InlineData("NL", "1011AB", null)]
    [InlineData("nl", "1011 ab", null)]
    [InlineData("IE", "D02X285", null)]
    public void Validate_WellFormedAddress_NoProblems(string country, string postal, string? region) =>
        Assert.Empty(AddressRules.Validate(At(country, postal, region)));

    [Theory]
    [InlineData("US", "6270", "IL", "'6270' is not a postal code in United States")]
    [InlineData("US", "62701", null, "Enter the state.")]
    [InlineData("US", "62701", "Illinois", "'Illinois' is not a state code in United States")]
    [InlineData("CA", "K1A 0B", "ON", "is not a postal code in Canada")]
    [InlineData("CA", "D1A 0B1", "ON", "is not a postal code in Canada")] // no D in Canadian codes
    [InlineData("CA", "K1A 0B1", null, "Enter the province.")]
    [InlineData("GB", "SW1A", null, "is not a postal code in United Kingdom")]
    [InlineData("DE", "1011", null, "is not a postal code in Germany")]
    [InlineData("FR", "7500A", null, "is not a postal code in France")]
    [InlineData("AU", "20000", "NSW", "is not a postal code in Australia")]
    [InlineData("AU", "2000", null, "Enter the state or territory.")]
    [InlineData("NL", "0123 AB", null, "is not a postal code in Netherlands")]
    [InlineData("NL", "1011 SS", null, "is not a postal code in Netherlands")]
    [InlineData("NL", "", null, "Enter the postal code (for Netherlands, like 1011 AB).")]
    [InlineData("JP", "100-0001", null, "We do not ship to 'JP'.")]
    [InlineData("", "12345", null, "Choose the country.")]
    public void Validate_BadCountryPostalCodeOrRegion_SaysWhat(string country, string postal, string? region, string expected) =>
        Assert.Contains(AddressRules.Validate(At(country, postal, region)), p => p.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void Validate_RequiredFieldsAndLengths()
    {
        var problems = AddressRules.Validate(new PostalAddress(" ", "", null, "", "IL", "62701", "US"));
        Assert.Equal(["Enter the recipient's name.", "Enter the street address.", "Enter the city."], problems);
        Assert.Contains("The street address can be at most 200 characters.",
            AddressRules.Validate(new PostalAddress("Ada", new string('x', 201), null, "Springfield", "IL", "62701", "US")));
        Assert.Contains("Addresses are written on one line per field.",
            AddressRules.Validate(new PostalAddress("Ada\nBob", "1 Main", null, "Springfield", "IL", "62701", "US")));
    }

    [Fact]
    public void Validate_OwnersCountries_OthersRefused()
    {
        var shipsTo = new HashSet<string> { "US", "CA" };
        Assert.Empty(AddressRules.Validate(At("US", "62701", "IL"), shipsTo));
        Assert.Equal(["We do not ship to Germany at the moment."], AddressRules.Validate(At("DE", "10115"), shipsTo));
    }

    [Fact]
    public void Normalize_TrimsUpperCasesAndSpacesPostalCodes()
    {
        var a = AddressRules.Normalize(new PostalAddress(" Ada ", " 1 Main ", " ", " London ", "", " sw1a1aa ", "gb"));
        Assert.Equal(new PostalAddress("Ada", "1 Main", null, "London", null, "SW1A 1AA", "GB"), a);
        Assert.Equal("K1A 0B1", AddressRules.Normalize(At("ca", "k1a0b1", "on")).PostalCode);
        Assert.Equal("ON", AddressRules.Normalize(At("ca", "k1a0b1", "on")).Region);
    }
}
