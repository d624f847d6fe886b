using System.Security.Claims;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Web.Features.Content.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Content.Admin.Pages;

public partial class ContentEditor
{
    [Parameter] public Guid? Id { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private ContentAdminQueries Admin { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private MudForm? form;
    private ContentDraft? draft;
    private IReadOnlyList<AccessProductChoice> products = [];
    private string? refusal;
    private bool slugEdited;
    private bool saving;
    private string savedSlug = "";

    private bool loaded;
    private object? loadedKey;

    private bool IsNew => Id is null;

    protected override async Task OnParametersSetAsync()
    {
        // Only a new address loads the form again; a re-render from above must not throw away unsaved edits.
        if (loaded && Equals(loadedKey, Id))
            return;
        (loaded, loadedKey) = (true, Id);
        refusal = null;
        products = await Admin.ProductsAsync();
        if (Id is { } id)
        {
            draft = await Admin.GetContentAsync(id);
            if (draft is null)
            {
                Navigation.NotFound();
                return;
            }
            savedSlug = draft.Slug;
            slugEdited = true; // a published address does not change because the title did
        }
        else
        {
            var userId = (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier);
            var now = Clock.GetUtcNow();
            draft = new ContentDraft { PublishAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero), Author = await Admin.AuthorNameAsync(userId) };
            slugEdited = false;
        }
    }

    private void OnTitleChanged(string? title)
    {
        draft!.Title = title ?? "";
        if (!slugEdited)
            draft.Slug = Slugs.From(title);
    }

    private void OnSlugChanged(string? slug)
    {
        draft!.Slug = slug ?? "";
        // Clearing the slug hands it back to the title.
        slugEdited = draft.Slug.Length > 0;
        if (!slugEdited)
            draft.Slug = Slugs.From(draft.Title);
    }

    private static string? SlugProblem(string? slug) =>
        string.IsNullOrEmpty(slug) || Slugs.IsValid(slug) ? null : "Lower-case letters, digits and single dashes only.";

    private void OnFileChanged((Guid? Id, string? Name) file) => (draft!.FileId, draft.FileName) = file;

    private static string KindName(ContentKind kind) => kind switch
    {
        ContentKind.Article => "Article or page",
        ContentKind.Video => "Video",
        ContentKind.Download => "Download",
        _ => "Community post",
    };

    private async Task SaveAsync()
    {
        if (draft is null || saving)
            return;
        saving = true;
        try
        {
            var result = await UseCases.RunAsync(new SaveContent(draft));
            refusal = result.Succeeded ? null : result.Message;
            if (!result.Succeeded)
            {
                Snackbar.Add("Not saved: see the problems listed at the top.", Severity.Error);
                return;
            }
            Snackbar.Done($"Saved “{draft.Title.Trim()}”.");
            savedSlug = draft.Slug.Trim();
            if (IsNew)
                Navigation.NavigateTo($"/admin/content/{result.Id}", replace: true);
        }
        finally
        {
            saving = false;
        }
    }
}
