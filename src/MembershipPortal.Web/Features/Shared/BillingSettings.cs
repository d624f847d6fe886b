using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Common;
using MembershipPortal.Domain.Dunning;
using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Shared;

public enum DowngradeTiming { AtPeriodEnd, ImmediateWithCredit }

/// <summary>What the cancel dialog offers: nothing, a pause, a discount for some months, or both.</summary>
public enum SaveOffer { None, Pause, Discount, PauseAndDiscount }

/// <summary>The Owner's billing policy; defaults follow the issue (downgrade at period end, 7-day grace, retries on days 1, 3, 5, 7).</summary>
public sealed record BillingPolicy(
    DowngradeTiming Downgrade,
    int GraceDays,
    IReadOnlyList<int> RetryDays,
    GraceExpiryAction FinalAction,
    SaveOffer SaveOffer,
    int SaveOfferPercent,
    int SaveOfferMonths = 3)
{
    public static readonly BillingPolicy Default = new(DowngradeTiming.AtPeriodEnd, 7, [1, 3, 5, 7], GraceExpiryAction.MarkUnpaid, SaveOffer.Pause, 20, 3);

    public bool OffersPause => SaveOffer is SaveOffer.Pause or SaveOffer.PauseAndDiscount;

    public bool OffersDiscount => SaveOffer is SaveOffer.Discount or SaveOffer.PauseAndDiscount;

    /// <summary>The dunning rules (retries, grace, final action) as the domain policy.</summary>
    public DunningPolicy Dunning => new(RetryDays, GraceDays, FinalAction);
}

public sealed class BillingSettings(SettingsStore settings)
{
    public const string DowngradeKey = "billing.downgrade";
    public const string SaveOfferKey = "billing.save-offer";
    public const string SaveOfferPercentKey = "billing.save-offer-percent";
    public const string SaveOfferMonthsKey = "billing.save-offer-months";
    public const string RetryDaysKey = "billing.retry-days";
    public const string GraceDaysKey = "billing.grace-days";
    public const string FinalActionKey = "billing.final-action";

    public async Task<BillingPolicy> GetAsync(CancellationToken ct = default)
    {
        var policy = BillingPolicy.Default;
        if (Enum.TryParse<DowngradeTiming>(await settings.GetAsync(DowngradeKey, ct), out var downgrade))
            policy = policy with { Downgrade = downgrade };
        if (Enum.TryParse<SaveOffer>(await settings.GetAsync(SaveOfferKey, ct), out var offer))
            policy = policy with { SaveOffer = offer };
        if (int.TryParse(await settings.GetAsync(SaveOfferPercentKey, ct), out var percent) && percent is >= 1 and <= 100)
            policy = policy with { SaveOfferPercent = percent };
        if (int.TryParse(await settings.GetAsync(SaveOfferMonthsKey, ct), out var months) && months is >= 1 and <= 12)
            policy = policy with { SaveOfferMonths = months };
        var dunning = await GetDunningAsync(ct);
        return policy with { RetryDays = dunning.RetryDays, GraceDays = dunning.GraceDays, FinalAction = dunning.FinalAction };
    }

    /// <summary>The Owner's dunning policy; a stored combination that no longer validates falls back to the default.</summary>
    public async Task<DunningPolicy> GetDunningAsync(CancellationToken ct = default)
    {
        var d = DunningPolicy.Default;
        try
        {
            var retries = await settings.GetAsync(RetryDaysKey, ct) is { } r ? DunningPolicy.ParseDays(r) : d.RetryDays;
            var grace = int.TryParse(await settings.GetAsync(GraceDaysKey, ct), out var g) ? g : d.GraceDays;
            var action = Enum.TryParse<GraceExpiryAction>(await settings.GetAsync(FinalActionKey, ct), out var a) ? a : d.FinalAction;
            return new DunningPolicy(retries, grace, action);
        }
        catch (DomainException)
        {
            return d;
        }
    }

    public async Task SetDunningAsync(DunningPolicy policy, CancellationToken ct = default)
    {
        await settings.SetManyAsync(new Dictionary<string, string>
        {
            [RetryDaysKey] = DunningPolicy.FormatDays(policy.RetryDays),
            [GraceDaysKey] = policy.GraceDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FinalActionKey] = policy.FinalAction.ToString(),
        }, ct);
    }

    /// <summary>How downgrades take effect and what the cancel dialog offers (a discount: percent off for some months), saved together.</summary>
    public Task SetPlanChangesAsync(DowngradeTiming timing, SaveOffer offer, int discountPercent = 20, int discountMonths = 3, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(timing) || !Enum.IsDefined(offer))
            throw new DomainException("Choose when downgrades apply and what the cancel dialog offers.");
        if (discountPercent is < 1 or > 100 || discountMonths is < 1 or > 12)
            throw new DomainException("A save discount is 1–100 percent off for 1–12 months.");
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return settings.SetManyAsync(new Dictionary<string, string>
        {
            [DowngradeKey] = timing.ToString(),
            [SaveOfferKey] = offer.ToString(),
            [SaveOfferPercentKey] = discountPercent.ToString(invariant),
            [SaveOfferMonthsKey] = discountMonths.ToString(invariant),
        }, ct);
    }
}
