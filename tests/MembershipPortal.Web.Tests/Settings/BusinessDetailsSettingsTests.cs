using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Settings;

/// <summary>The business address and tax ID printed on receipts (its own portal: saving the profile audits every key).</summary>
public sealed class BusinessDetailsSettingsTests(OwnerStaffMemberFixture fixture) : IClassFixture<OwnerStaffMemberFixture>
{
    private T Get<T>() where T : notnull => fixture.Factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task BusinessProfile_AddressAndTaxId_SavedLineByLine_TooLongRefusedWithNothingSaved()
    {
        var business = Get<BusinessSettings>();
        var profile = await business.GetAsync();
        profile.BusinessAddress = "  12 Wool Street \r\n\r\nLeeds LS1 4AP\nUnited Kingdom ";
        profile.TaxId = " GB123456789 ";
        Assert.Empty(await business.SaveAsync(profile));
        var saved = await business.GetAsync();
        Assert.Equal(("12 Wool Street\nLeeds LS1 4AP\nUnited Kingdom", "GB123456789"), (saved.BusinessAddress, saved.TaxId));

        saved.TaxId = new string('9', BusinessSettings.MaxTaxIdLength + 1);
        saved.BusinessAddress = string.Join("\n", Enumerable.Range(1, BusinessSettings.MaxAddressLines + 1).Select(i => $"Line {i}"));
        Assert.Equal(2, (await business.SaveAsync(saved)).Count);
        Assert.Equal("GB123456789", (await business.GetAsync()).TaxId);
        Assert.Contains("data-testid=\"tax-id\"", await fixture.Owner.GetStringAsync("/admin/settings"));
    }
}
