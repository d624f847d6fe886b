using System.Security.Claims;
using MembershipPortal.Domain.Dunning;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Notifications.Pages;

public partial class EmailSettings
{
    [Inject] private NoticeTemplateService Templates { get; set; } = null!;
    [Inject] private NoticeSettings Settings { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    private IReadOnlyList<NoticeTemplateView>? templates;
    private NoticeTemplateView selected = null!;
    private OutboxSummary? summary;
    private NoticeSchedule? schedule;
    private string? subject;
    private string? body;
    private List<string> errors = [];
    private string? message;
    private RenderedNotice? preview;
    private string shortDays = "";
    private string yearlyDays = "";
    private int winBackDays;
    private string? scheduleError;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync(NoticeKind.PaymentFailed);
        schedule = await Settings.GetAsync();
        shortDays = DunningPolicy.FormatDays(schedule.Reminders.ShortPeriodDays);
        yearlyDays = DunningPolicy.FormatDays(schedule.Reminders.YearlyDays);
        winBackDays = schedule.WinBackDays;
    }

    private async Task LoadAsync(NoticeKind kind)
    {
        templates = await Templates.ListAsync();
        summary = await Templates.OutboxSummaryAsync();
        selected = templates.Single(t => t.Notice.Kind == kind);
        (subject, body) = (selected.Subject, selected.Body);
    }

    private async Task SelectAsync(NoticeKind kind)
    {
        if (kind == selected.Notice.Kind)
            return;
        await LoadAsync(kind);
        (errors, message, preview) = ([], null, null);
    }

    private void Insert(string name) => body = (body ?? "").TrimEnd() + " {{" + name + "}}";

    private async Task SaveAsync()
    {
        var result = await Templates.SaveAsync(selected.Notice.Kind, subject, body);
        errors = [.. result.Errors];
        message = result.Saved ? $"Saved. The next {selected.Notice.Title.ToLowerInvariant()} email uses this text." : null;
        if (result.Saved)
        {
            await LoadAsync(selected.Notice.Kind);
            preview = Templates.Preview(selected.Notice.Kind, subject, body).Preview;
        }
    }

    private Task PreviewAsync()
    {
        var (rendered, problems) = Templates.Preview(selected.Notice.Kind, subject, body);
        (preview, errors, message) = (rendered, [.. problems], null);
        return Task.CompletedTask;
    }

    private async Task SendTestAsync()
    {
        var user = AuthState is null ? null : (await AuthState).User;
        var to = user?.FindFirst(ClaimTypes.Email)?.Value ?? user?.Identity?.Name;
        if (string.IsNullOrWhiteSpace(to))
        {
            Snackbar.Add("Your account has no email address to send a test to.", Severity.Error);
            return;
        }
        var (rendered, problems) = Templates.Preview(selected.Notice.Kind, subject, body);
        (preview, errors) = (rendered, [.. problems]);
        if (rendered is null)
            return;
        Snackbar.Add(await Templates.SendTestAsync(selected.Notice.Kind, subject, body, to), Severity.Info);
        summary = await Templates.OutboxSummaryAsync();
    }

    private async Task ResetAsync()
    {
        await Templates.ResetAsync(selected.Notice.Kind);
        await LoadAsync(selected.Notice.Kind);
        (errors, message, preview) = ([], "The built-in text is back.", null);
    }

    private async Task RetryFailedAsync()
    {
        var count = await Templates.RetryFailedAsync();
        Snackbar.Add($"{count} email(s) queued again.", Severity.Info);
        summary = await Templates.OutboxSummaryAsync();
    }

    private async Task SaveScheduleAsync()
    {
        scheduleError = await Settings.SaveAsync(shortDays, yearlyDays, winBackDays);
        if (scheduleError is null)
        {
            schedule = await Settings.GetAsync();
            Snackbar.Add(schedule.WinBackEnabled ? $"Schedule saved. Win-back offers go {schedule.WinBackDays} days after a subscription ends." : "Schedule saved.", Severity.Success);
        }
    }
}
