using MudBlazor;

namespace MembershipPortal.Web.Features.Billing.Pages.Dialogs;

/// <summary>
/// What the billing page's dialogs share. Each dialog is opened by the page (<c>OpenAsync</c>/<c>Open</c>) with the
/// subscription it acts on, loads what it shows, and hands its use case to the page's <c>Run</c>, which shows the
/// outcome and reloads the overview; the page's <c>Busy</c> disables every confirm button while one runs.
/// </summary>
public static class BillingDialogs
{
    public static readonly DialogOptions Options = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
}
