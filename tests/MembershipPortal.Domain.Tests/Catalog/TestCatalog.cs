using System.Globalization;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Catalog;

/// <summary>Small builders shared by the catalog, billing and entitlement tests.</summary>
internal static class TestCatalog
{
    public static Money Usd(long minor) => new(minor, "USD");

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>Parses "2024-01-31" or "2024-01-31T12:00:00" as UTC.</summary>
    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static CatalogPrice Price(PriceTerms terms, Guid? productId = null) =>
        CatalogPrice.Create(productId ?? Guid.NewGuid(), terms);

    public static CatalogPrice Monthly(long minor, int trialDays = 0, long setupFee = 0, Guid? productId = null) =>
        Price(PriceTerms.Monthly(Usd(minor), trialDays, setupFee == 0 ? null : Usd(setupFee)), productId);

    public static CatalogPrice Yearly(long minor, Guid? productId = null) => Price(PriceTerms.Yearly(Usd(minor)), productId);
}
