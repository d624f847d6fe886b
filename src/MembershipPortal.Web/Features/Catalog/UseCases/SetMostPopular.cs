using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Catalog.UseCases;

/// <summary>Chooses the membership /pricing marks "Most popular": automatic (the middle tier), none, or one membership.</summary>
public sealed record SetMostPopular(PopularChoice Choice) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.OnTarget("catalog.most-popular", "setting", PopularChoice.SettingKey);
}

public sealed class SetMostPopularHandler(SettingsStore settings) : IUseCaseHandler<SetMostPopular>
{
    public async Task<string> RunAsync(SetMostPopular request, UseCaseScope uc)
    {
        var choice = request.Choice;
        if (choice.ProductId is { } id && !await uc.Db.Products.AnyAsync(p => p.Id == id && p.Kind == ProductKind.Membership, uc.Ct))
            throw new UseCaseRefused("Choose one of your memberships, none, or automatic.");
        var before = await SettingsStore.StageAsync(uc.Db, PopularChoice.SettingKey, choice.Value, uc.Now, uc.Ct);
        uc.OnSaved(() => settings.Remember(PopularChoice.SettingKey, choice.Value));
        (uc.Unchanged, uc.AuditBefore, uc.AuditAfter) = (before == choice.Value, before, choice.Value);
        uc.AuditSummary = "Chose the “Most popular” plan on the pricing page";
        return "Saved: the pricing page shows it within a few seconds.";
    }
}
