using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Members.Admin.Pages.Dialogs;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MembershipPortal.Web.Features.Members.Admin.Pages;

/// <summary>One member for the Owner and Staff: profile, subscriptions, payments, access, notes, and the actions on them.</summary>
public partial class MemberPage
{

    [Parameter] public string Id { get; set; } = "";
    [Inject] private MemberAdminService Members { get; set; } = default!;
    [Inject] private BillingService Billing { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private MemberDetail? member;
    private bool loaded, busy;
    private int tab;
    private string? note, dialogError;
    private List<BreadcrumbItem> crumbs = [];

    private ConfirmRequest? confirm;
    private bool compOpen;
    private PaymentLine? refundPayment;

    private bool planOpen;
    private Guid planSubscription;
    private Guid? planPrice;
    private IReadOnlyList<PlanOption> planOptions = [];
    private ChangePreview? planPreview;

    protected override async Task OnParametersSetAsync()
    {
        await ReloadAsync();
        loaded = true;
    }

    private async Task ReloadAsync()
    {
        member = await Members.DetailAsync(Id);
        crumbs = [new("Members", "/admin/members"), new(member is null ? "Member" : member.Name.Length > 0 ? member.Name : member.Email, null, disabled: true)];
    }

    private static string Date(DateTimeOffset at) => Words.Date(at);
    private static string DateTime(DateTimeOffset at) => Words.DateTime(at);

    private void Confirm(string title, string text, string label, Func<Task<Outcome>> action, bool danger = false) =>
        confirm = new ConfirmRequest(title, text, label, action, danger);

    private async Task ConfirmedAsync(Outcome result)
    {
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        await ReloadAsync();
    }

    private void OpenComp() => compOpen = true;

    private async Task CompedAsync(Outcome result)
    {
        Snackbar.Add(result.Message, Severity.Success);
        await ReloadAsync();
        tab = 2;
    }

    private void OpenRefund(PaymentLine payment) => refundPayment = payment;

    private async Task RefundedAsync(Outcome result)
    {
        Snackbar.Add(result.Message, Severity.Success);
        await ReloadAsync();
    }

    private async Task OpenPlanChange(SubscriptionDetail sub)
    {
        (planSubscription, planPrice, planPreview, dialogError) = (sub.Id, null, null, null);
        planOptions = await Billing.PlanOptionsAsync(Id, sub.Id);
        planOpen = true;
    }

    private async Task PlanChosenAsync(Guid? priceId)
    {
        planPrice = priceId;
        planPreview = priceId is { } p ? await Billing.PreviewChangeAsync(Id, planSubscription, p) : null;
    }

    private async Task ChangePlanAsync()
    {
        if (planPrice is not { } price || busy)
            return;
        busy = true;
        try
        {
            var result = await UseCases.RunAsync(new ChangePlan(Id, planSubscription, price, OnBehalf: true));
            if (!result.Succeeded)
            { dialogError = result.Message; return; }
            planOpen = false;
            Snackbar.Add(result.Message, Severity.Success);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task AddNoteAsync()
    {
        var result = await UseCases.RunAsync(new AddMemberNote(Id, note));
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        if (result.Succeeded)
        { note = null; await ReloadAsync(); }
    }
}
