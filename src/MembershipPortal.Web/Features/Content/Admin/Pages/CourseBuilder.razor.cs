using MembershipPortal.Web.Features.Content.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace MembershipPortal.Web.Features.Content.Admin.Pages;

public partial class CourseBuilder
{
    [Parameter] public Guid? Id { get; set; }
    [Inject] private ContentAdminQueries Admin { get; set; } = default!;
    [Inject] private UseCaseRunner UseCases { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private CourseDraft? details;
    private IReadOnlyList<ModuleOutline> modules = [];
    private List<LessonOutline> lessons = [];
    private Dictionary<Guid, string> numbers = [];
    private IReadOnlyList<AccessProductChoice> products = [];
    private string? refusal;
    private MudDropContainer<LessonOutline>? dropContainer;
    private bool slugEdited, saving, sell;
    /// <summary>A new course's own product and its price, when "Sell it as its own product" is on.</summary>
    private readonly Catalog.PriceInput sellPrice = new();
    private string savedSlug = "";
    private Guid? renamingModule;
    private string? renameText, newModuleTitle;

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
        if (Id is null)
            sellPrice.Currency = await Admin.SaleCurrencyAsync();
        if (Id is { } id)
        {
            var outline = await Admin.GetCourseAsync(id);
            if (outline is null)
            {
                Navigation.NotFound();
                return;
            }
            details = outline.Details;
            savedSlug = details.Slug;
            slugEdited = true;
            ShowOutline(outline);
        }
        else
        {
            var now = Clock.GetUtcNow();
            details = new CourseDraft { PublishAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero) };
            slugEdited = false;
            ShowOutline(null);
        }
    }

    private void ShowOutline(CourseOutline? outline)
    {
        modules = outline?.Modules ?? [];
        lessons = modules.SelectMany(m => m.Lessons).ToList();
        numbers = modules.SelectMany((m, mi) => m.Lessons.Select((l, li) => (l.Id, Number: $"{mi + 1}.{li + 1}"))).ToDictionary(x => x.Id, x => x.Number);
        dropContainer?.Refresh();
    }

    private async Task ReloadOutlineAsync()
    {
        if (Id is { } id)
            ShowOutline(await Admin.GetCourseAsync(id));
    }

    private void OnTitleChanged(string? title)
    {
        details!.Title = title ?? "";
        if (!slugEdited)
            details.Slug = Slugs.From(title);
    }

    private void OnSlugChanged(string? slug)
    {
        details!.Slug = slug ?? "";
        slugEdited = details.Slug.Length > 0;
        if (!slugEdited)
            details.Slug = Slugs.From(details.Title);
    }

    private async Task SaveDetailsAsync()
    {
        if (details is null || saving)
            return;
        saving = true;
        try
        {
            var result = IsNew && sell ? await UseCases.RunAsync(new CreateCourseForSale(details, sellPrice)) : await UseCases.RunAsync(new SaveCourse(details));
            refusal = result.Succeeded ? null : result.Message;
            if (!result.Succeeded)
            {
                Snackbar.Add("Not saved: see the problems listed at the top.", Severity.Error);
                return;
            }
            Snackbar.Done(IsNew && sell ? $"Course created, on sale at {sellPrice.Currency} {sellPrice.Amount:0.00} a {sellPrice.Interval.ToString().ToLowerInvariant()}. Now add modules and lessons."
                : IsNew ? "Course created. Now add modules and lessons." : "Course details saved.");
            savedSlug = details.Slug.Trim();
            if (IsNew)
                Navigation.NavigateTo($"/admin/courses/{result.Id}", replace: true);
        }
        finally
        {
            saving = false;
        }
    }

    /// <summary>Outline actions save at once; a refusal is shown and the outline reloads either way, so the screen matches the database.</summary>
    private async Task OutlineActionAsync<TRequest>(TRequest request, string? success = null) where TRequest : IUseCaseRequest
    {
        var result = await UseCases.RunAsync(request);
        if (!result.Succeeded)
            Snackbar.Add(result.Message, Severity.Error);
        else if (success is not null)
            Snackbar.Done(success);
        await ReloadOutlineAsync();
    }

    private async Task AddModuleAsync()
    {
        if (Id is not { } id)
            return;
        var result = await UseCases.RunAsync(new AddModule(id, newModuleTitle));
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Message, Severity.Error);
            return;
        }
        newModuleTitle = null;
        await ReloadOutlineAsync();
    }

    private async Task OnNewModuleKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
            await AddModuleAsync();
    }

    private void StartRename(ModuleOutline module) => (renamingModule, renameText) = (module.Id, module.Title);

    private async Task RenameModuleAsync(Guid moduleId)
    {
        var result = await UseCases.RunAsync(new RenameModule(moduleId, renameText));
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Message, Severity.Error);
            return;
        }
        renamingModule = null;
        await ReloadOutlineAsync();
    }

    private Task StepModuleAsync(Guid moduleId, int direction) => OutlineActionAsync(new StepModule(moduleId, direction));

    private Task StepLessonAsync(Guid lessonId, int direction) => OutlineActionAsync(new StepLesson(lessonId, direction));

    private Task OnLessonDroppedAsync(MudItemDropInfo<LessonOutline> drop) =>
        Guid.TryParse(drop.DropzoneIdentifier, out var moduleId) && drop.Item is { } lesson
            ? OutlineActionAsync(new MoveLesson(lesson.Id, moduleId, drop.IndexInZone))
            : Task.CompletedTask;

    private async Task DeleteModuleAsync(ModuleOutline module)
    {
        var message = module.Lessons.Count == 0
            ? $"The module “{module.Title}” will be removed."
            : $"The module “{module.Title}” and its {module.Lessons.Count} lessons will be removed, with members' progress in them. This cannot be undone.";
        if (await Dialogs.ShowMessageBoxAsync("Delete this module?", message, yesText: "Delete module", cancelText: "Cancel") != true)
            return;
        await OutlineActionAsync(new DeleteModule(module.Id), $"Deleted module “{module.Title}”.");
    }

    private async Task DeleteLessonAsync(LessonOutline lesson)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete this lesson?", $"“{lesson.Title}” and members' progress in it will be removed. This cannot be undone.",
                yesText: "Delete lesson", cancelText: "Cancel") != true)
            return;
        await OutlineActionAsync(new DeleteLesson(lesson.Id), $"Deleted “{lesson.Title}”.");
    }

    private static string? DripText(LessonOutline lesson) => (lesson.DripDays, lesson.DripDate) switch
    {
        ({ } days, { } date) => $"Day {days}, from {date:d MMM yyyy}",
        ({ } days, null) => days == 0 ? null : $"Day {days}",
        (null, { } date) => $"From {date:d MMM yyyy}",
        _ => null,
    };
}
