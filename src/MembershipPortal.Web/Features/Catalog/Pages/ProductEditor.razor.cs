using MembershipPortal.Domain.Catalog;
using MembershipPortal.Web.Features.Catalog.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MembershipPortal.Web.Features.Catalog.Pages;

/// <summary>Creates a product or edits one; an existing product also shows its prices (<see cref="Components.PriceList"/>).</summary>
public partial class ProductEditor
{
    [Inject] private CatalogService Catalog { get; set; } = null!;
    [Inject] private UseCaseRunner UseCases { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    [Parameter] public Guid? Id { get; set; }

    private MudForm form = null!;
    private ProductInput? input;
    private IReadOnlyList<ProductSummary> hosts = [];
    private List<BreadcrumbItem> crumbs = [];
    private bool notFound, saving, slugEdited;
    private string? error;
    // What was last saved, for the heading and the price list (the form may hold unsaved edits).
    private string savedName = "", savedSlug = "";
    private ProductKind savedKind;
    private AddOnBilling savedBilling;
    private bool savedVisible;

    protected override async Task OnParametersSetAsync()
    {
        error = null;
        notFound = false;
        input = Id is { } id ? await Catalog.GetProductInputAsync(id) : new ProductInput();
        if (input is null)
        {
            notFound = true;
            return;
        }
        slugEdited = Id is not null;
        Remember(input);
        hosts = (await Catalog.ListProductsAsync()).Where(p => p.Kind != ProductKind.AddOn && p.Id != Id).ToList();
        crumbs = [new("Catalog", "/admin/catalog"), new(Id is null ? "New product" : savedName, null, disabled: true)];
    }

    private void Remember(ProductInput saved) =>
        (savedName, savedSlug, savedKind, savedBilling, savedVisible) = (saved.Name, saved.Slug, saved.Kind, saved.AddOnBilling, saved.IsVisible);

    private void NameChanged(string? name)
    {
        input!.Name = name ?? "";
        if (!slugEdited)
            input.Slug = CatalogRules.SlugFrom(name);
    }

    private string HostName(Guid id) => hosts.FirstOrDefault(h => h.Id == id)?.Name ?? "";

    private static string KindHelp(ProductKind kind) => kind switch
    {
        ProductKind.Membership => "A tier of ongoing access, such as Basic, Pro or VIP",
        ProductKind.Course => "Lessons that unlock on a schedule",
        ProductKind.Box => "Physical; checkout asks for a shipping address",
        _ => "Goes with other products, e.g. a mailed kit or an extra item",
    };

    private async Task SaveAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid)
            return;
        saving = true;
        error = null;
        var result = await UseCases.RunAsync(new SaveProduct(Id, input!));
        saving = false;
        if (!result.Succeeded)
        {
            error = result.Message;
            return;
        }
        Snackbar.Add(Id is null ? $"{input!.Name} created. Now add its prices." : "Changes saved.", Severity.Success);
        if (Id is null)
        {
            Navigation.NavigateTo($"/admin/catalog/products/{result.Id}");
            return;
        }
        input = await Catalog.GetProductInputAsync(result.Id!.Value);
        Remember(input!);
        crumbs = [new("Catalog", "/admin/catalog"), new(savedName, null, disabled: true)];
    }
}
