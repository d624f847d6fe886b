using System.Security.Claims;
using MembershipPortal.Domain.Shipping;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Boxes.Pages;

/// <summary>The member's address book. Only ids of the member's own addresses are ever sent back; the service checks ownership again.</summary>
public partial class AccountAddresses
{
    [Inject] private AddressBook Book { get; set; } = default!;
    [Inject] private ShippingZones Rates { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private sealed class AddressForm
    {
        public string? Label { get; set; }
        public string Name { get; set; } = "";
        public string Line1 { get; set; } = "";
        public string? Line2 { get; set; }
        public string City { get; set; } = "";
        public string? Region { get; set; }
        public string PostalCode { get; set; } = "";
        public string Country { get; set; } = "US";
    }

    private IReadOnlyList<AddressView>? addresses;
    private IReadOnlyList<string> countries = [];
    private IReadOnlyList<string> problems = [];
    private AddressForm form = new();
    private Guid? editing;
    private string memberId = "";
    private bool busy;

    private string RegionLabel => form.Country switch
    {
        "US" => "State",
        "CA" => "Province",
        "AU" => "State or territory",
        _ => "Region (optional)",
    };

    protected override async Task OnInitializedAsync()
    {
        memberId = (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        countries = await Rates.OfferedCountriesAsync();
        Reset();
        addresses = await Book.ListAsync(memberId);
    }

    private void Reset()
    {
        (editing, problems) = (null, []);
        form = new AddressForm { Country = countries.Count > 0 ? countries[0] : "US" };
    }

    private void Edit(AddressView a)
    {
        (editing, problems) = (a.Id, []);
        form = new AddressForm
        {
            Label = a.Label,
            Name = a.Address.Name,
            Line1 = a.Address.Line1,
            Line2 = a.Address.Line2,
            City = a.Address.City,
            Region = a.Address.Region,
            PostalCode = a.Address.PostalCode,
            Country = a.Address.Country,
        };
    }

    private async Task SaveAsync()
    {
        busy = true;
        try
        {
            var (id, found) = await Book.SaveAsync(memberId, editing,
                form.Label, new PostalAddress(form.Name, form.Line1, form.Line2, form.City, form.Region, form.PostalCode, form.Country));
            problems = found;
            if (id is null)
                return;
            Snackbar.Add(editing is null ? "Address added." : "Address saved; boxes not yet packed will go there.", Severity.Success);
            Reset();
            addresses = await Book.ListAsync(memberId);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task DeleteAsync(AddressView a)
    {
        busy = true;
        try
        {
            var problem = await Book.DeleteAsync(memberId, a.Id);
            Snackbar.Add(problem ?? "Address deleted.", problem is null ? Severity.Success : Severity.Error);
            if (problem is null && editing == a.Id)
                Reset();
            addresses = await Book.ListAsync(memberId);
        }
        finally
        {
            busy = false;
        }
    }
}
