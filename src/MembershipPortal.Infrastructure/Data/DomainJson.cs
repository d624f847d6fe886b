using System.Text.Json;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MembershipPortal.Infrastructure.Data;

/// <summary>
/// Immutable domain value objects stored as small JSON documents: a subscription item keeps the exact terms it was
/// bought on (grandfathering) without a column per field of a record that only the domain interprets.
/// </summary>
internal static class DomainJson
{
    private sealed record MoneyDto(long Minor, string Currency);
    private sealed record PriceTermsDto(MoneyDto Amount, BillingInterval Interval, int IntervalCount, int TrialDays, MoneyDto? SetupFee);
    private sealed record CouponTermsDto(string Code, decimal? PercentOff, MoneyDto? AmountOff, CouponDuration Duration, int? DurationInMonths);

    private static MoneyDto Dto(Money m) => new(m.Minor, m.Currency);
    private static Money FromDto(MoneyDto d) => new(d.Minor, d.Currency);

    public static string Write(PriceTerms t) =>
        JsonSerializer.Serialize(new PriceTermsDto(Dto(t.Amount), t.Interval, t.IntervalCount, t.TrialDays, t.SetupFee is { } f ? Dto(f) : null));

    public static PriceTerms ReadPriceTerms(string json)
    {
        var d = JsonSerializer.Deserialize<PriceTermsDto>(json)!;
        return new PriceTerms(FromDto(d.Amount), d.Interval, d.IntervalCount, d.TrialDays, d.SetupFee is { } f ? FromDto(f) : null);
    }

    public static string Write(CouponTerms t) =>
        JsonSerializer.Serialize(new CouponTermsDto(t.Code, t.PercentOff, t.AmountOff is { } a ? Dto(a) : null, t.Duration, t.DurationInMonths));

    public static CouponTerms ReadCouponTerms(string json)
    {
        var d = JsonSerializer.Deserialize<CouponTermsDto>(json)!;
        return d.PercentOff is { } percent
            ? CouponTerms.Percent(d.Code, percent, d.Duration, d.DurationInMonths)
            : CouponTerms.Amount(d.Code, FromDto(d.AmountOff!), d.Duration, d.DurationInMonths);
    }

    public static readonly ValueConverter<PriceTerms, string> PriceTermsConverter = new(t => Write(t), s => ReadPriceTerms(s));
    public static readonly ValueConverter<CouponTerms, string> CouponTermsConverter = new(t => Write(t), s => ReadCouponTerms(s));

    public static readonly ValueConverter<HashSet<Guid>, string> GuidSetConverter =
        new(s => JsonSerializer.Serialize(s.Order().ToList(), (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<HashSet<Guid>>(s, (JsonSerializerOptions?)null) ?? new HashSet<Guid>());

    public static readonly ValueComparer<HashSet<Guid>> GuidSetComparer =
        new((a, b) => a!.SetEquals(b!), s => s.Aggregate(0, (h, g) => h ^ g.GetHashCode()), s => new HashSet<Guid>(s));
}
