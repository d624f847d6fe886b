using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Settings;

namespace MembershipPortal.Web.Features.Billing;

public enum DowngradeTiming { AtPeriodEnd, ImmediateWithCredit }

public enum SaveOffer { None, Pause, Discount }

/// <summary>The Owner's billing policy; defaults follow the issue (downgrade at period end, 7-day grace, retries on days 1, 3, 5, 7).</summary>
public sealed record BillingPolicy(
    DowngradeTiming Downgrade,
    int GraceDays,
    IReadOnlyList<int> RetryDays,
    GraceExpiryAction FinalAction,
    SaveOffer SaveOffer,
    int SaveOfferPercent)
{
    public static readonly BillingPolicy Default = new(DowngradeTiming.AtPeriodEnd, 7, [1, 3, 5, 7], GraceExpiryAction.MarkUnpaid, SaveOffer.Pause, 20);
}

public sealed class BillingSettings(SettingsStore settings)
{
    public const string DowngradeKey = "billing.downgrade";
    public const string SaveOfferKey = "billing.save-offer";

    public async Task<BillingPolicy> GetAsync(CancellationToken ct = default)
    {
        var policy = BillingPolicy.Default;
        if (Enum.TryParse<DowngradeTiming>(await settings.GetAsync(DowngradeKey, ct), out var downgrade))
            policy = policy with { Downgrade = downgrade };
        if (Enum.TryParse<SaveOffer>(await settings.GetAsync(SaveOfferKey, ct), out var offer))
            policy = policy with { SaveOffer = offer };
        return policy;
    }

    public Task SetDowngradeAsync(DowngradeTiming timing, CancellationToken ct = default) => settings.SetAsync(DowngradeKey, timing.ToString(), ct);
}
