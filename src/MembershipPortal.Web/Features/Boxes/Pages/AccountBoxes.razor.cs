using System.Globalization;
using System.Security.Claims;
using MembershipPortal.Domain.Boxes;
using MembershipPortal.Web.Features.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MembershipPortal.Web.Features.Boxes.Pages;

/// <summary>The member's boxes: next box, skip, pause, one-time extras, boxes sent. The member id comes from the sign-in only.</summary>
public partial class AccountBoxes
{
    [Inject] private ShipmentService Boxes { get; set; } = default!;
    [Inject] private BoxControls Controls { get; set; } = default!;
    [Inject] private AddressBook Book { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IReadOnlyList<MemberBox>? boxes;
    private IReadOnlyList<AddressView> book = [];
    private readonly Dictionary<Guid, IReadOnlyList<ExtraOption>> options = [];
    private string memberId = "";
    private bool busy;
    private int pauseCycles = 1, extraQuantity = 1;
    private Guid extraPrice;
    private const int LaterSkips = 2;
    private readonly HashSet<Guid> opened = []; // boxes sent whose content is unfolded
    // One per form: the extra's id and the charge's idempotency key, so a double click adds and charges once.
    private Guid extraAttempt = Guid.NewGuid();

    protected override async Task OnInitializedAsync()
    {
        memberId = (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        book = await Book.ListAsync(memberId); // first: adopts addresses of subscriptions from before the address book
        boxes = await Boxes.MemberBoxesAsync(memberId);
        options.Clear();
        foreach (var box in boxes.Where(b => b.Live))
            options[box.SubscriptionId] = await Controls.ExtraOptionsAsync(box.BoxProductId, box.Currency);
        if (extraPrice == Guid.Empty)
            extraPrice = options.Values.SelectMany(o => o).Select(o => o.PriceId).FirstOrDefault();
    }

    /// <summary>"My boxes", "My kits" when every delivery is a kit, "My boxes and kits" when both.</summary>
    private string Heading => boxes is { Count: > 0 } && boxes.All(b => b.IsKit) ? "My kits" : boxes?.Any(b => b.IsKit) == true ? "My boxes and kits" : "My boxes";

    private static string Month(CycleKey c) => new DateTime(c.Year, c.Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    private static string MonthName(CycleKey c) => new DateTime(c.Year, c.Month, 1).ToString("MMMM", CultureInfo.InvariantCulture);

    /// <summary>The boxes after the upcoming one a member can skip from here (the upcoming one has its own button).</summary>
    private static IReadOnlyList<CycleKey> LaterCycles(MemberBox box)
    {
        var later = new List<CycleKey> { box.Upcoming.Next() };
        while (later.Count < LaterSkips)
            later.Add(later[^1].Next());
        return [.. later.Where(c => box.Skips.All(k => k.Cycle != c))];
    }

    private void Toggle(Guid shipmentId)
    {
        if (!opened.Add(shipmentId))
            opened.Remove(shipmentId);
    }

    private string AddLabel(IReadOnlyList<ExtraOption> choices) =>
        choices.FirstOrDefault(o => o.PriceId == extraPrice) is { } o ? $"Add for {(o.Price * Math.Clamp(extraQuantity, 1, BoxControls.MaxExtraQuantity)).Display()}" : "Add";

    private async Task RunAsync(Func<Task<string?>> action, string success)
    {
        busy = true;
        try
        {
            var problem = await action();
            Snackbar.Add(problem ?? success, problem is null ? Severity.Success : Severity.Error);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private Task SkipAsync(MemberBox box, CycleKey cycle) =>
        RunAsync(() => Boxes.SkipAsync(memberId, box.SubscriptionId, cycle), $"Skipped: no {Month(cycle)} {box.Noun}, and no charge for it.");

    private Task UnskipAsync(MemberBox box, CycleKey cycle) =>
        RunAsync(() => Controls.UnskipAsync(memberId, box.SubscriptionId, cycle), $"The {Month(cycle)} {box.Noun} is back on.");

    private Task PauseAsync(MemberBox box) =>
        RunAsync(() => Controls.PauseAsync(memberId, box.SubscriptionId, pauseCycles),
            pauseCycles == 1 ? $"Paused for one {box.Noun}: you will not get or pay for it." : $"Paused for {Words.Count(pauseCycles, box.Noun, box.Nouns)}: you will not get or pay for them.");

    private async Task AddExtraAsync(MemberBox box)
    {
        var attempt = extraAttempt;
        await RunAsync(() => Controls.AddExtraAsync(memberId, box.SubscriptionId, extraPrice, extraQuantity, attempt),
            $"Added to your {Month(box.Upcoming)} box and charged; the receipt is on its way.");
        if (boxes?.Any(b => b.Extras.Any(x => x.Id == attempt)) == true)
            (extraAttempt, extraQuantity) = (Guid.NewGuid(), 1);
    }

    private Task ShipToAsync(MemberBox box, Guid addressId) =>
        addressId == Guid.Empty ? Task.CompletedTask
            : RunAsync(() => Book.ShipToAsync(memberId, box.SubscriptionId, addressId), $"Address changed: your next {box.Nouns} go there.");

    private Task RemoveKitAsync(MemberBox box, KitView kit) =>
        RunAsync(() => Controls.RemoveKitAsync(memberId, box.SubscriptionId, kit.ProductId),
            $"{kit.Name} will leave your subscription at the end of this period; your membership goes on.");

    private Task KeepKitAsync(MemberBox box, KitView kit) =>
        RunAsync(() => Controls.KeepKitAsync(memberId, box.SubscriptionId, kit.ProductId), $"{kit.Name} stays on your subscription.");

    private Task RemoveExtraAsync(ExtraView extra) =>
        RunAsync(() => Controls.RemoveExtraAsync(memberId, extra.Id), $"{extra.Description} removed and refunded.");
}
