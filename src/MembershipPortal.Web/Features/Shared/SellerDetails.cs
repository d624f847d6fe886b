using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>Who issues the receipts: the business name, postal address and tax ID the Owner sets at /admin/settings.</summary>
public sealed record Seller(string Name, IReadOnlyList<string> AddressLines, string? TaxId);

/// <summary>Reads the seller's details for receipts (PDF and page); the name falls back to the one the caller shows elsewhere.</summary>
public sealed class SellerDetails(SettingsStore settings)
{
    public async Task<Seller> GetAsync(string fallbackName, CancellationToken ct = default)
    {
        var name = await settings.GetAsync(SettingKeys.BusinessName, ct);
        var address = await settings.GetAsync(SettingKeys.BusinessAddress, ct) ?? "";
        var taxId = await settings.GetAsync(SettingKeys.TaxId, ct);
        return new Seller(string.IsNullOrWhiteSpace(name) ? fallbackName : name.Trim(),
            [.. address.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)],
            string.IsNullOrWhiteSpace(taxId) ? null : taxId.Trim());
    }
}
