using System.Runtime;
using MembershipPortal.Infrastructure;
using MembershipPortal.Web.Features.Accounts;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Setup;
using MembershipPortal.Web.Features.Shared;
using Microsoft.Extensions.Logging.Console;

namespace MembershipPortal.Web.Features.Cli;

/// <summary>
/// The services the commands use, and nothing else: the site's configuration (same files, environment variables and
/// content root) and the data, identity, catalog, content and analytics features, without Blazor, MudBlazor, Quartz,
/// the HTTP pipeline or any hosted service. The host is built, never started.
/// </summary>
internal static class CommandHost
{
    public static CommandServices Build(bool verbose)
    {
        // A command is a batch job that exits when done: blocking collections cost less in all than background ones
        // racing the work for the same cores (the metrics fold allocates a few hundred MB).
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Commands use a handful of the registrations; checking every one at build time is start-up cost for nothing.
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateOnBuild = false; o.ValidateScopes = false; });
        // Standard output is the command's result; every log line goes to standard error. A provider-level filter
        // outranks the category levels in appsettings, so the default stays at warnings.
        builder.Logging.ClearProviders()
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter<ConsoleLoggerProvider>(null, verbose ? LogLevel.Information : LogLevel.Warning);

        builder.AddPortalData();
        builder.AddPortalEmail();
        builder.AddPortalAccounts();
        builder.AddPortalAudit();
        builder.AddPortalShared();
        builder.AddPortalSetup();
        builder.AddPortalCatalog();
        builder.AddPortalContent();
        builder.AddPortalAnalytics();
        builder.AddPortalPayments(); // stripe-import reads the Stripe account; nothing talks to Stripe until it runs
        var app = builder.Build();
        return new CommandServices(app.Services, app);
    }
}
