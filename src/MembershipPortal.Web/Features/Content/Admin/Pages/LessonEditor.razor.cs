using MembershipPortal.Web.Features.Content.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MembershipPortal.Web.Features.Content.Admin.Pages;

public partial class LessonEditor
{
    [Parameter] public Guid CourseId { get; set; }
    [Parameter] public Guid? LessonId { get; set; }
    /// <summary>For a new lesson: the module it goes into (the builder's "Add lesson" passes it).</summary>
    [SupplyParameterFromQuery(Name = "module")] public Guid? Module { get; set; }
    [Inject] private ContentAdminQueries Admin { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private LessonDraft? draft;
    private IReadOnlyList<ModuleOutline> modules = [];
    private string? courseTitle;
    private string courseSlug = "";
    private DateTime? dripDate;
    private string? refusal;
    private bool slugEdited, saving;

    private bool loaded;
    private object? loadedKey;

    private bool IsNew => LessonId is null;

    protected override async Task OnParametersSetAsync()
    {
        // Only a new address loads the form again; a re-render from above must not throw away unsaved edits.
        if (loaded && Equals(loadedKey, (CourseId, LessonId, Module)))
            return;
        (loaded, loadedKey) = (true, (CourseId, LessonId, Module));
        refusal = null;
        var course = await Admin.GetCourseAsync(CourseId);
        var lesson = LessonId is { } id ? await Admin.GetLessonAsync(id) : null;
        if (course is null || (LessonId is not null && (lesson is null || lesson.CourseId != CourseId)))
        {
            Navigation.NotFound();
            return;
        }
        (courseTitle, courseSlug, modules) = (course.Details.Title, course.Details.Slug, course.Modules);
        if (lesson is null && modules.Count == 0)
        {
            Snackbar.Add("Add a module first: lessons live in modules.", Severity.Info);
            Navigation.NavigateTo($"/admin/courses/{CourseId}");
            return;
        }
        draft = lesson ?? new LessonDraft
        {
            CourseId = CourseId,
            ModuleId = modules.FirstOrDefault(m => m.Id == Module)?.Id ?? modules[^1].Id,
        };
        dripDate = draft.DripDate?.UtcDateTime.Date;
        slugEdited = lesson is not null;
    }

    private string ModuleName(Guid id) => modules.FirstOrDefault(m => m.Id == id)?.Title ?? "";

    private void OnTitleChanged(string? title)
    {
        draft!.Title = title ?? "";
        if (!slugEdited)
            draft.Slug = Slugs.From(title);
    }

    private void OnSlugChanged(string? slug)
    {
        draft!.Slug = slug ?? "";
        slugEdited = draft.Slug.Length > 0;
        if (!slugEdited)
            draft.Slug = Slugs.From(draft.Title);
    }

    private void OnDripDateChanged(DateTime? date)
    {
        dripDate = date;
        draft!.DripDate = date is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Unspecified), TimeSpan.Zero) : null;
    }

    private void OnFileChanged((Guid? Id, string? Name) file) => (draft!.FileId, draft.FileName) = file;

    private async Task SaveAsync()
    {
        if (draft is null || saving)
            return;
        saving = true;
        try
        {
            var result = await UseCases.RunAsync(new SaveLesson(draft));
            refusal = result.Succeeded ? null : result.Message;
            if (!result.Succeeded)
            {
                Snackbar.Add("Not saved: see the problems listed at the top.", Severity.Error);
                return;
            }
            Snackbar.Done($"Saved lesson “{draft.Title.Trim()}”.");
            Navigation.NavigateTo($"/admin/courses/{CourseId}");
        }
        finally
        {
            saving = false;
        }
    }
}
