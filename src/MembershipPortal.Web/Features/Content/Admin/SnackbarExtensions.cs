using MudBlazor;

namespace MembershipPortal.Web.Features.Content.Admin;

internal static class SnackbarExtensions
{
    /// <summary>A short-lived confirmation: editors save often, and stacked toasts would cover the Save button.</summary>
    public static void Done(this ISnackbar snackbar, string message) =>
        snackbar.Add(message, Severity.Success, c => c.VisibleStateDuration = 2500);
}
