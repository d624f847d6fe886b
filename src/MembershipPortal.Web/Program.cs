using MembershipPortal.Infrastructure;
using MembershipPortal.Web.Components;
using MembershipPortal.Web.Features.Accounts;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Cli;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Dunning;
using MembershipPortal.Web.Features.Members;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Features.Public;
using MembershipPortal.Web.Features.Setup;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.Jobs;
using MembershipPortal.Web.Features.Themes;
using MembershipPortal.Web.Features.Webhooks;
using MudBlazor.Services;

// `MembershipPortal.Web <command> ...` (or --help, --version) runs a command and exits without the web server.
if (PortalCli.IsCommand(args))
    return await PortalCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalData();
builder.AddPortalInstanceLock();
builder.AddPortalEmail();
builder.AddPortalPayments();
builder.AddPortalOperations();
builder.AddPortalHealth();
builder.AddPortalJobs();
builder.AddPortalTelemetry();
builder.AddPortalAccounts();
builder.AddPortalThemes();
builder.AddPortalSetup();
builder.AddPortalBilling();
builder.AddPortalContent();
builder.AddPortalCatalog();
builder.AddPortalNotifications();
builder.AddPortalDunning();
builder.AddPortalAnalytics();
builder.AddPortalAudit();
builder.AddPortalShared();
builder.AddPortalAdmin();
builder.AddPortalMembersAdmin();
builder.AddPortalBoxes();
builder.AddPortalWebhooks();
builder.AddPortalPublicPages();
builder.Services.AddMudServices();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

app.UsePortalOperations();
app.UsePortalAudit();
app.UsePortalSetupGate();
app.UsePortalPageCache();
app.UseAntiforgery();
var staticAssets = app.MapPortalStaticAssets();
app.MapPortalThemeFiles();
app.MapPortalHealth();
app.MapPortalFiles();
app.MapStripeWebhook();
app.MapPortalUnsubscribe();
app.MapCheckoutSignIn();
app.MapPortalBranding();
app.MapPortalDarkMode();
app.MapSearchEngineFiles();
app.MapPortalReceipts();
app.MapPortalMembersAdmin();
app.MapPortalBoxes();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode().WithStaticAssets(staticAssets);
app.MapAdditionalIdentityEndpoints();

await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the test projects.</summary>
public partial class Program;
