using System.Security.Claims;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Web.Features.Billing.Pages.Dialogs;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Billing.Pages;

public partial class AccountBilling
{
    [Inject] private BillingService Billing { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [SupplyParameterFromQuery(Name = "welcome")] public bool Welcome { get; set; }

    private string MemberId = "";
    private string email = "";
    private BillingOverview? overview;
    private Outcome? message;
    private bool busy;

    private PlanDialog planDialog = default!;
    private AddOnDialog addOnDialog = default!;
    private CancelDialog cancelDialog = default!;
    private PauseDialog pauseDialog = default!;
    private CardDialog cardDialog = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState).User;
        MemberId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
        await ReloadAsync();
    }

    private async Task ReloadAsync() => overview = await Billing.OverviewAsync(MemberId);

    private static bool Editable(SubscriptionView s) => s.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing && !s.CancelAtPeriodEnd;

    private static Color StatusColor(SubscriptionStatus s) => s switch
    {
        SubscriptionStatus.Active => Color.Success,
        SubscriptionStatus.Trialing => Color.Info,
        SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid => Color.Warning,
        SubscriptionStatus.Canceled => Color.Default,
        _ => Color.Secondary,
    };

    internal static string RenewalText(SubscriptionView s) => s switch
    {
        { Status: SubscriptionStatus.Canceled } => $"Ended {s.CurrentPeriodEnd:d MMM yyyy}.",
        { Status: SubscriptionStatus.Incomplete } =>
            $"Not started yet: the first payment of {s.NextAmount.Display()} has not gone through. Update your card to start it.",
        { CancelAtPeriodEnd: true } => $"Cancelled: access until {s.CurrentPeriodEnd:d MMM yyyy}. Resume before then to keep your plan.",
        { Status: SubscriptionStatus.Paused } => $"Paused until {s.PausedUntil:d MMM yyyy}.",
        { Status: SubscriptionStatus.Trialing } => $"Free trial until {s.TrialEnd:d MMM yyyy}; then {s.NextAmount.Display()}.",
        { Status: SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid } => $"Payment of {s.NextAmount.Display()} is overdue.",
        { NextAmount.Minor: 0 } when s.Items.Any(i => i.Kind == ProductKind.Box) =>
            $"Renews on {s.CurrentPeriodEnd:d MMM yyyy} with nothing to pay: you skipped the box that renewal pays for.",
        _ => $"Renews on {s.CurrentPeriodEnd:d MMM yyyy} for {s.NextAmount.Display()}.",
    };

    private async Task Run(Func<Task<Outcome>> action)
    {
        if (busy)
            return;
        busy = true;
        try
        {
            message = await action();
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task CardSavedAsync(Outcome saved)
    {
        message = saved;
        await ReloadAsync();
    }
}
