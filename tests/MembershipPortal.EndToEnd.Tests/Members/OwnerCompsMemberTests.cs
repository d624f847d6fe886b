using MembershipPortal.EndToEnd.Tests.Support;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using Microsoft.Playwright;

namespace MembershipPortal.EndToEnd.Tests.Members;

/// <summary>
/// The Owner finds a member by email, comps them the Pro tier for 30 days in a confirmed dialog; the member, in their
/// own browser, now opens Pro content; the audit trail shows who did it.
/// </summary>
public sealed class OwnerCompsMemberTests(BrowserApp app) : IClassFixture<BrowserApp>, IAsyncLifetime
{
    private TestCatalog catalog = null!;
    private TestContent content = null!;
    private readonly string prefix = $"{Guid.NewGuid():N}"[..6];

    public async Task InitializeAsync()
    {
        catalog = await TestCatalog.CreateAsync(app.Portal, prefix);
        content = await TestContent.CreateAsync(app.Portal, catalog, prefix);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Owner_FindsMemberByEmail_CompsPro30Days_MemberSeesPro_AuditShowsIt()
    {
        var memberEmail = $"comp{prefix}@example.test";
        var member = await app.SignedInPageAsync(memberEmail);
        await member.GotoAsync($"/content/{content.ProArticle}");
        await Assertions.Expect(member.GetByText(TestContent.Secret)).ToHaveCountAsync(0);

        var owner = await app.SignedInPageAsync($"owner{prefix}@example.test", role: PortalRoles.Owner);
        await owner.GotoAsync("/admin/members");
        await BrowserApp.WaitForCircuitAsync(owner);
        await BrowserApp.Input(owner, "members-search").FillAsync(memberEmail);
        await app.SettleDebounceAsync(owner);
        await Assertions.Expect(owner.GetByTestId("members-total")).ToHaveTextAsync("1 member");
        await BrowserApp.ScreenshotAsync(owner, "members-search");
        await owner.GetByTestId("member-link").ClickAsync();

        await Assertions.Expect(owner.GetByTestId("member-email")).ToContainTextAsync(memberEmail);
        await BrowserApp.WaitForCircuitAsync(owner);
        await owner.GetByTestId("action-comp").ClickAsync();
        await owner.GetByTestId("comp-product").ClickAsync();
        await owner.GetByRole(AriaRole.Option, new() { Name = $"{prefix}Pro", Exact = true }).ClickAsync();
        await Assertions.Expect(BrowserApp.Input(owner, "comp-days")).ToHaveValueAsync("30");
        await BrowserApp.ScreenshotAsync(owner, "member-comp-dialog");
        await owner.GetByTestId("comp-confirm").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("member-comp")).ToContainTextAsync($"{prefix}Pro");
        await BrowserApp.ScreenshotAsync(owner, "member-page");

        await member.GotoAsync($"/content/{content.ProArticle}");
        await Assertions.Expect(member.GetByText(TestContent.Secret, new() { Exact = false })).ToBeVisibleAsync();

        await owner.GotoAsync("/admin/audit");
        var row = owner.Locator("tr", new() { HasText = "Comp given" });
        await Assertions.Expect(row).ToContainTextAsync($"owner{prefix}@example.test");
        await Assertions.Expect(row).ToContainTextAsync($"Comped {prefix}Pro until");
        await BrowserApp.ScreenshotAsync(owner, "audit-comp");
    }
}
