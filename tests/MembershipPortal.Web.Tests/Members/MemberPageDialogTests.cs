using Bunit;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Members.Admin.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace MembershipPortal.Web.Tests.Members;

/// <summary>The member page's dialogs (components of their own) open from the page, run their action and close.</summary>
public sealed class MemberPageDialogTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RefundDialog_FullAmount_RefundsAndCloses()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        await WithMemberPageAsync(buyer.Id, (page, dialogs) =>
        {
            page.FindAll(".mud-tab")[1].Click();
            page.WaitForElement("[data-testid='action-refund']", Patience).Click();
            dialogs.WaitForElement("[data-testid='refund-confirm']", Patience).Click();
            page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid='action-refund']")), Patience);
            Assert.Empty(dialogs.FindAll("[data-testid='refund-confirm']"));
        });
        await using var db = await fixture.Db();
        Assert.Equal(InvoiceStatus.Refunded, (await db.Invoices.SingleAsync(i => i.MemberId == buyer.Id)).Status);
        Assert.Equal(["member.refund"], (await fixture.AuditFor(buyer.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task ConfirmDialog_CancelNow_RunsTheActionAndCloses()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        await WithMemberPageAsync(buyer.Id, (page, dialogs) =>
        {
            page.WaitForElement("[data-testid='action-cancel-now']", Patience).Click();
            Assert.Contains("Cancel now?", dialogs.Markup);
            dialogs.WaitForElement("[data-testid='confirm-action']", Patience).Click();
            page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid='action-cancel-now']")), Patience);
            Assert.Empty(dialogs.FindAll("[data-testid='confirm-action']"));
        });
        await using var db = await fixture.Db();
        Assert.Equal(SubscriptionStatus.Canceled, (await db.Subscriptions.SingleAsync(s => s.Id == buyer.SubscriptionId)).Status);
        Assert.Equal(["member.subscription.cancel-now"], (await fixture.AuditFor(buyer.Id)).Select(e => e.Action));
    }

    /// <summary>Renders the member page as the Owner would see it in a circuit (the Owner is the acting user).</summary>
    private async Task WithMemberPageAsync(string memberId, Action<IRenderedComponent<MemberPage>, IRenderedComponent<MudDialogProvider>> act)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await using var bunit = new BunitContext();
        bunit.Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddFallbackServiceProvider(scope.ServiceProvider);
        bunit.AddAuthorization().SetAuthorized(fixture.OwnerActor.Name).SetRoles(PortalRoles.Owner)
            .SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, fixture.OwnerActor.Id!));
        bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        bunit.Render<MudPopoverProvider>();
        var dialogs = bunit.Render<MudDialogProvider>();
        AuditAmbient.Current = fixture.OwnerActor;
        try
        {
            var page = bunit.Render<MemberPage>(p => p.Add(x => x.Id, memberId));
            page.WaitForElement("[data-testid='member-name']", Patience);
            act(page, dialogs);
        }
        finally
        {
            AuditAmbient.Current = null;
        }
    }
}
