using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Admin;

/// <summary>One step of getting the portal ready to sell: done or not, where to do it, and what it means in a sentence.</summary>
public sealed record ChecklistStep(string Key, string Title, bool Done, string Href, string Action, string Hint);

/// <summary>The dashboard's "Get ready to sell" steps, in order, and whether the Owner has put the list away.</summary>
public sealed record SetupChecklistState(IReadOnlyList<ChecklistStep> Steps, bool Dismissed)
{
    public int DoneCount => Steps.Count(s => s.Done);
    public bool AllDone => DoneCount == Steps.Count;

    /// <summary>Shown while a step is open, until the Owner hides it.</summary>
    public bool Show => !AllDone && !Dismissed;
}

/// <summary>
/// The first-run checklist on an empty dashboard: add a plan, choose the payment provider, check email delivery, pick a
/// theme, add first content. Each step is ticked from what the portal holds (not from a box the Owner clicks), so it
/// stays true: a plan on sale, Stripe configured, an email that reached the mail server, a chosen theme, published
/// or drafted content.
/// </summary>
public sealed class SetupChecklist(IDbContextFactory<AppDbContext> dbFactory, SettingsStore settings, IOptions<PaymentsOptions> payments)
{
    public const string DismissedKey = "dashboard.checklist-dismissed";

    public async Task<SetupChecklistState> GetAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Products.AnyAsync(p => p.IsVisible && p.Kind != ProductKind.AddOn
            && db.Prices.Any(price => price.ProductId == p.Id && !price.IsArchived), ct);
        var stripe = payments.Value.Provider == PaymentProvider.Stripe;
        var emailSent = await db.Outbox.AnyAsync(o => o.Status == OutboxStatus.Sent, ct);
        var theme = await settings.GetAsync(SettingKeys.Theme, ct) is not null;
        var content = await db.ContentItems.AnyAsync(ct) || await db.Courses.AnyAsync(ct);
        var dismissed = await settings.GetAsync(DismissedKey, ct) == "true";
        return new SetupChecklistState(
        [
            new("plan", "Add a plan", plan, "/admin/catalog/products/new", "Add a plan",
                "A membership, course or box with a price, visible on the pricing page."),
            new("payments", "Choose the payment provider", stripe, "/admin/settings/stripe", "Stripe settings",
                stripe ? "Stripe takes the payments." : "The built-in test gateway takes no real money. Set Payments:Provider to Stripe to sell (README, Payments)."),
            new("email", "Check email delivery", emailSent, "/admin/settings/emails", "Send a test email",
                "Send yourself a test from the emails page; ticked once the mail server took an email."),
            new("theme", "Pick a theme", theme, "/admin/settings", "Choose a theme", "Colours and type for the site and the emails."),
            new("content", "Add your first content", content, "/admin/content/new", "Write something",
                "An article, video, download or course for members to open."),
        ], dismissed);
    }

    /// <summary>Puts the list away for good (the Owner, from the dashboard); audited like every setting.</summary>
    public Task DismissAsync(AuditActor actor, CancellationToken ct = default) => settings.SetAsync(DismissedKey, "true", actor, ct);
}
