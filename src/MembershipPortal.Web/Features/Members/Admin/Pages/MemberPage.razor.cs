using MembershipPortal.Domain.Common;
using MembershipPortal.Web.Features.Billing;
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
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private MemberDetail? member;
    private bool loaded, busy;
    private int tab;
    private string? note, dialogError;
    private IReadOnlyList<MemberProductChoice> products = [];
    private List<BreadcrumbItem> crumbs = [];
    private readonly DialogOptions dialogOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    private bool confirmOpen, confirmDanger;
    private string confirmTitle = "", confirmText = "", confirmLabel = "";
    private Func<Task<Outcome>>? confirmed;

    private bool compOpen;
    private Guid? compProduct;
    private int compDays = 30;

    private bool refundOpen;
    private PaymentLine? refundPayment;
    private decimal refundAmount;

    private bool planOpen;
    private Guid planSubscription;
    private Guid? planPrice;
    private IReadOnlyList<PlanOption> planOptions = [];
    private ChangePreview? planPreview;

    protected override async Task OnParametersSetAsync()
    {
        products = (await Members.ProductsAsync()).Where(p => !p.IsAddOn).ToList();
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

    private void Confirm(string title, string text, string label, Func<Task<Outcome>> action, bool danger = false)
    {
        (confirmTitle, confirmText, confirmLabel, confirmed, confirmDanger, confirmOpen) = (title, text, label, action, danger, true);
    }

    private async Task RunConfirmedAsync()
    {
        if (confirmed is null || busy)
            return;
        busy = true;
        try
        {
            var result = await confirmed();
            confirmOpen = false;
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private void OpenComp()
    {
        (compProduct, compDays, dialogError, compOpen) = (null, 30, null, true);
    }

    private async Task CompAsync()
    {
        if (compProduct is not { } product || busy)
            return;
        busy = true;
        try
        {
            var result = await UseCases.RunAsync(new CompMember(Id, product, Clock.GetUtcNow().AddDays(Math.Clamp(compDays, 1, 3650))));
            if (!result.Succeeded)
            { dialogError = result.Message; return; }
            compOpen = false;
            Snackbar.Add(result.Message, Severity.Success);
            await ReloadAsync();
            tab = 2;
        }
        finally
        {
            busy = false;
        }
    }

    private void OpenRefund(PaymentLine payment)
    {
        (refundPayment, refundAmount, dialogError, refundOpen) = (payment, payment.RefundableAmount.ToDecimal(), null, true);
    }

    private async Task RefundAsync()
    {
        if (refundPayment is not { } payment || busy)
            return;
        busy = true;
        try
        {
            var minor = Money.FromDecimal(refundAmount, payment.Amount.Currency).Minor;
            var result = await UseCases.RunAsync(new RefundPayment(Id, payment.Id, minor));
            if (!result.Succeeded)
            { dialogError = result.Message; return; }
            refundOpen = false;
            Snackbar.Add(result.Message, Severity.Success);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
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
            var result = await Members.ChangePlanAsync(Id, planSubscription, price);
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
