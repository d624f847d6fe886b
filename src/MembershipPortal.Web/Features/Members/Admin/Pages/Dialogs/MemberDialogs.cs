using MembershipPortal.Web.Features.Shared.UseCases;
using MudBlazor;

namespace MembershipPortal.Web.Features.Members.Admin.Pages.Dialogs;

/// <summary>What the member page's dialogs share.</summary>
public static class MemberDialogs
{
    public static readonly DialogOptions Options = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
}

/// <summary>A question the Owner or Staff answer before <see cref="Action"/> runs (lock, cancel now, erase …).</summary>
public sealed record ConfirmRequest(string Title, string Text, string Label, Func<Task<Outcome>> Action, bool Danger = false);
