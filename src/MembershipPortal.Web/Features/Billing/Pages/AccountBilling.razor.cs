using System.Security.Claims;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Billing.Pages;

public partial class AccountBilling
{
    [Inject] private BillingService Billing { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [Inject] private Boxes.AddressBook Book { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private Notifications.PortalLinks Links { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [SupplyParameterFromQuery(Name = "welcome")] public bool Welcome { get; set; }

    private string MemberId = "";
    private string email = "";
    private BillingOverview? overview;
    private Outcome? message;
    private bool busy;
    private readonly DialogOptions dialogOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    private bool planDialog, addOnDialog, cancelDialog, pauseDialog, cardDialog;
    private SubscriptionView? target, cancelTarget;
    private IReadOnlyList<PlanOption> planOptions = [];
    private IReadOnlyList<CheckoutOption> addOns = [];
    private IReadOnlyList<Boxes.AddressView> book = [];
    private Guid addOnAddress; // where an added kit ships when the subscription has no address yet
    private Guid selectedPrice;
    private ChangePreview? preview;
    private string? cancelReason, cancelFeedback, cardNumber, cardExpiry, cardCvc, cardError;
    private int pauseMonths = 1;

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

    private async Task OpenPlanDialog(SubscriptionView sub)
    {
        target = sub;
        preview = null;
        selectedPrice = Guid.Empty;
        planOptions = await Billing.PlanOptionsAsync(MemberId, sub.Id);
        planDialog = true;
    }

    private async Task PreviewAsync(Guid priceId)
    {
        selectedPrice = priceId;
        preview = target is null ? null : await Billing.PreviewChangeAsync(MemberId, target.Id, priceId);
    }

    private async Task ConfirmPlanAsync()
    {
        if (target is null || preview is null)
            return;
        planDialog = false;
        await Run(() => UseCases.RunAsync(new ChangePlan(MemberId, target.Id, selectedPrice)));
    }

    private async Task OpenAddOnDialog(SubscriptionView sub)
    {
        target = sub;
        addOns = await Billing.AvailableAddOnsAsync(MemberId, sub.Id);
        book = addOns.Any(a => a.Ships) ? await Book.ListAsync(MemberId) : [];
        if (book.All(a => a.Id != addOnAddress))
            addOnAddress = book.FirstOrDefault()?.Id ?? Guid.Empty;
        addOnDialog = true;
    }

    private async Task AddAddOnAsync(Guid priceId)
    {
        if (target is null)
            return;
        addOnDialog = false;
        await Run(() => UseCases.RunAsync(new AddAddOn(MemberId, target.Id, priceId, addOnAddress == Guid.Empty ? null : addOnAddress)));
    }

    private void OpenCancel(SubscriptionView sub)
    {
        cancelTarget = sub;
        cancelReason = null;
        cancelFeedback = null;
        cancelDialog = true;
    }

    private async Task ConfirmCancelAsync()
    {
        if (cancelTarget is null || cancelReason is null)
            return;
        cancelDialog = false;
        await Run(() => UseCases.RunAsync(new CancelSubscription(MemberId, cancelTarget.Id, cancelReason, cancelFeedback)));
    }

    private async Task AcceptDiscountAsync()
    {
        if (cancelTarget is null)
            return;
        cancelDialog = false;
        await Run(() => UseCases.RunAsync(new AcceptSaveDiscount(MemberId, cancelTarget.Id)));
    }

    private void OpenPause(SubscriptionView sub)
    {
        target = sub;
        pauseMonths = 1;
        pauseDialog = true;
    }

    private async Task ConfirmPauseAsync()
    {
        if (target is null)
            return;
        pauseDialog = false;
        await Run(() => UseCases.RunAsync(new PauseSubscription(MemberId, target.Id, pauseMonths)));
    }

    private async Task OpenCardDialog()
    {
        var portal = await Billing.BillingPortalUrlAsync(MemberId, Links.Billing);
        if (portal is not null)
        {
            Navigation.NavigateTo(portal, forceLoad: true);
            return;
        }
        cardError = null;
        cardDialog = true;
    }

    private async Task SaveCardAsync()
    {
        if (!Checkout.TryParseExpiry(cardExpiry, out var month, out var year))
        {
            cardError = "Enter the card's expiry as MM / YY.";
            return;
        }
        busy = true;
        try
        {
            var result = await UseCases.RunAsync(new UpdateCard(MemberId, email, new CardDetails(cardNumber ?? "", month, year, cardCvc ?? "")));
            if (!result.Succeeded)
            {
                cardError = result.Message;
                return;
            }
            cardDialog = false;
            message = result;
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }
}
