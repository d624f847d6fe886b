using System.Net;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Tests.Stripe;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Settings;

/// <summary>/admin/settings: Owner only; the business profile is validated whole, saved whole, audited and shown at once.</summary>
public sealed class OwnerSettingsTests(OwnerStaffMemberFixture fixture) : IClassFixture<OwnerStaffMemberFixture>
{
    public static TheoryData<string> OwnerPages() => ["/admin/settings", "/admin/settings/billing", "/admin/settings/emails", "/admin/settings/webhooks", "/admin/audit"];

    private T Get<T>() where T : notnull => fixture.Factory.Services.GetRequiredService<T>();

    [Theory]
    [MemberData(nameof(OwnerPages))]
    public async Task OwnerPage_Staff_AccessDenied(string path)
    {
        var response = await fixture.Staff.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(OwnerPages))]
    public async Task OwnerPage_Member_AccessDenied(string path)
    {
        var response = await fixture.Member.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(OwnerPages))]
    public async Task OwnerPage_Owner_Opens(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await fixture.Owner.GetAsync(path)).StatusCode);

    [Fact]
    public async Task SettingsPage_TestGateway_SaysSoAndShowsPickupFolder()
    {
        var html = await fixture.Owner.GetStringAsync("/admin/settings");
        Assert.Contains("data-testid=\"test-gateway\"", html);
        Assert.Contains("pickup folder", html);
        Assert.Contains("data-testid=\"business-name\"", html);
    }

    [Fact]
    public async Task BusinessProfile_Invalid_EveryProblemNamed_NothingSaved()
    {
        var business = Get<BusinessSettings>();
        var before = await business.GetAsync();
        var errors = await business.SaveAsync(new BusinessProfile { BusinessName = "", SupportEmail = "not-an-email", ReportingCurrency = "dollars", TimeZoneId = "Mars/Olympus" });
        Assert.Equal(4, errors.Count);
        var after = await business.GetAsync();
        Assert.Equivalent(before, after);
    }

    [Fact]
    public async Task BusinessProfile_Valid_SavedAuditedAndShownOnTheSite()
    {
        var business = Get<BusinessSettings>();
        var errors = await business.SaveAsync(new BusinessProfile
        {
            BusinessName = "Tea & Thread Club",
            SupportEmail = "help@teathread.test",
            ReportingCurrency = "eur",
            TimeZoneId = "Europe/Berlin",
        });
        Assert.Empty(errors);

        var saved = await business.GetAsync();
        Assert.Equal(("Tea & Thread Club", "help@teathread.test", "EUR", "Europe/Berlin"), (saved.BusinessName, saved.SupportEmail, saved.ReportingCurrency, saved.TimeZoneId));
        Assert.Equal("Europe/Berlin", (await business.TimeZoneAsync()).Id);
        Assert.Equal("EUR", Get<MembershipPortal.Web.Features.Analytics.AnalyticsStore>().Currency);
        Assert.Contains("Tea &amp; Thread Club", await fixture.Factory.CreateBrowserlessClient().GetStringAsync("/"));
        var audit = await Get<AuditLog>().SearchAsync(new AuditFilter(Target: SettingKeys.TimeZone), 0, 10);
        Assert.Equal("Europe/Berlin", Assert.Single(audit.Items).After);
    }

    [Fact]
    public async Task Logo_OnlyTheConfiguredImageIsServed()
    {
        var files = Get<FileStore>();
        var (logo, _) = await files.SaveAsync(new MemoryStream([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]), "logo.png");
        var (other, _) = await files.SaveAsync(new MemoryStream([0x89, 0x50, 0x4E, 0x47, 9, 9, 9]), "other.png");
        await Get<BusinessSettings>().SetLogoAsync(logo!.Id);
        var anonymous = fixture.Factory.CreateBrowserlessClient();

        var served = await anonymous.GetAsync($"/branding/logo/{logo.Id:N}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/branding/logo/{other!.Id:N}")).StatusCode);
        Assert.Contains($"/branding/logo/{logo.Id:N}", await anonymous.GetStringAsync("/"));

        await Get<BusinessSettings>().SetLogoAsync(null);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/branding/logo/{logo.Id:N}")).StatusCode);
    }
}

/// <summary>Downgrade timing and the cancel save offer: saved together, read by billing, nonsense refused.</summary>
public sealed class PlanChangeSettingsTests(OwnerStaffMemberFixture fixture) : IClassFixture<OwnerStaffMemberFixture>
{
    [Fact]
    public async Task PlanChanges_SavedTogether_MemberOverviewFollows_BadDiscountRefused()
    {
        var settings = fixture.Factory.Services.GetRequiredService<MembershipPortal.Web.Features.Shared.BillingSettings>();
        await settings.SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.ImmediateWithCredit, MembershipPortal.Web.Features.Shared.SaveOffer.None);
        var policy = await settings.GetAsync();
        Assert.Equal((MembershipPortal.Web.Features.Shared.DowngradeTiming.ImmediateWithCredit, MembershipPortal.Web.Features.Shared.SaveOffer.None), (policy.Downgrade, policy.SaveOffer));

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var overview = await scope.ServiceProvider.GetRequiredService<MembershipPortal.Web.Features.Billing.BillingService>().OverviewAsync("nobody");
            Assert.Equal(MembershipPortal.Web.Features.Shared.SaveOffer.None, overview.SaveOffer);
        }

        await Assert.ThrowsAsync<MembershipPortal.Domain.Common.DomainException>(() =>
            settings.SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.AtPeriodEnd, MembershipPortal.Web.Features.Shared.SaveOffer.Discount, 0, 3));
        await Assert.ThrowsAsync<MembershipPortal.Domain.Common.DomainException>(() =>
            settings.SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.AtPeriodEnd, MembershipPortal.Web.Features.Shared.SaveOffer.Discount, 20, 13));
        Assert.Equal(MembershipPortal.Web.Features.Shared.DowngradeTiming.ImmediateWithCredit, (await settings.GetAsync()).Downgrade);

        await settings.SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.AtPeriodEnd, MembershipPortal.Web.Features.Shared.SaveOffer.PauseAndDiscount, 30, 2);
        var both = await settings.GetAsync();
        Assert.Equal((MembershipPortal.Web.Features.Shared.SaveOffer.PauseAndDiscount, 30, 2), (both.SaveOffer, both.SaveOfferPercent, both.SaveOfferMonths));
        await settings.SetPlanChangesAsync(MembershipPortal.Web.Features.Shared.DowngradeTiming.AtPeriodEnd, MembershipPortal.Web.Features.Shared.SaveOffer.Pause);
    }
}

/// <summary>In Stripe mode the settings page shows the key masked and the connection check reports Stripe's answer.</summary>
public sealed class StripeSettingsTests : IDisposable
{
    private readonly StripePortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task SettingsPage_StripeMode_KeyMaskedNeverInFull()
    {
        var owner = await factory.SignedInClientAsync("stripe.settings@example.test", PortalRoles.Owner);
        var html = WebUtility.HtmlDecode(await owner.GetStringAsync("/admin/settings"));
        Assert.Contains("data-testid=\"test-stripe\"", html);
        Assert.Contains("••••st_x", html); // sk_test_x: only the last four characters
        Assert.DoesNotContain("sk_test_x", html);
        Assert.DoesNotContain(StripePortalFactory.WebhookSecret, html);
    }

    [Fact]
    public async Task ConnectionCheck_StripeAnswersOrNot_ClearResult()
    {
        var gateway = factory.Services.GetRequiredService<IPaymentGateway>();
        Assert.StartsWith("Stripe refused the request:", await gateway.CheckConnectionAsync());
        factory.StripeApi.Reply(HttpMethod.Get, "/v1/balance", new System.Text.Json.Nodes.JsonObject { ["object"] = "balance", ["livemode"] = false });
        Assert.Null(await gateway.CheckConnectionAsync());
    }
}

public sealed class LogoSniffingTests
{
    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, ".png", true)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ".jpg", true)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, ".webp", true)]
    [InlineData(new byte[] { (byte)'<', (byte)'s', (byte)'v', (byte)'g' }, ".png", false)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ".png", false)]
    [InlineData(new byte[] { 0x89, 0x50 }, ".png", false)]
    public void Logo_MustBeTheImageItsNameSays(byte[] head, string extension, bool accepted) =>
        Assert.Equal(accepted, MembershipPortal.Web.Features.Shared.ImageUploads.LooksLikeImage(head, extension));
}
