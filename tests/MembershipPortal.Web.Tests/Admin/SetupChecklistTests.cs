using System.Text.RegularExpressions;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Admin;

/// <summary>
/// The empty dashboard's "Get ready to sell" list, read as the Owner reads /admin: each step ticks from what the portal
/// holds, and the list goes once the Owner hides it.
/// </summary>
public sealed class SetupChecklistTests : IDisposable
{
    private readonly PortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    private static Dictionary<string, bool> Steps(string html) =>
        Regex.Matches(html, "data-step=\"(?<key>[a-z]+)\" data-done=\"(?<done>true|false)\"")
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["done"].Value == "true");

    [Fact]
    public async Task EmptyPortal_ListsFiveOpenSteps_EachTicksWhenDone_ThenTheOwnerHidesIt()
    {
        var owner = await factory.SignedInClientAsync("checklist.owner@example.test", PortalRoles.Owner);

        var empty = await owner.GetStringAsync("/admin");
        Assert.Contains("Get ready to sell", empty);
        Assert.Equal(new Dictionary<string, bool> { ["plan"] = false, ["payments"] = false, ["email"] = false, ["theme"] = false, ["content"] = false }, Steps(empty));
        Assert.Contains("0 of 5 done", empty);
        Assert.Contains("The built-in test gateway takes no real money", empty);
        Assert.Contains("href=\"/admin/catalog/products/new\"", empty);

        var catalog = await TestCatalog.CreateAsync(factory);
        await TestContent.CreateAsync(factory, catalog);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var sent = OutboxMessage.Create("checklist-test", "test", new EmailMessage("checklist.owner@example.test", "Test", "<p>Hi</p>", "Hi"), factory.Clock.GetUtcNow());
            sent.Status = OutboxStatus.Sent;
            db.Outbox.Add(sent);
            await db.SaveChangesAsync();
        }
        await factory.Services.GetRequiredService<SettingsStore>().SetAsync(SettingKeys.Theme, "default", AuditActor.System);

        var ready = await owner.GetStringAsync("/admin");
        Assert.Equal(new Dictionary<string, bool> { ["plan"] = true, ["payments"] = false, ["email"] = true, ["theme"] = true, ["content"] = true }, Steps(ready));
        Assert.Contains("4 of 5 done", ready);
        Assert.DoesNotContain("href=\"/admin/catalog/products/new\"", ready);

        await factory.Services.GetRequiredService<SetupChecklist>().DismissAsync(AuditActor.System);
        Assert.DoesNotContain("Get ready to sell", await owner.GetStringAsync("/admin"));
    }
}
