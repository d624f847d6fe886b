using MembershipPortal.Domain.Boxes;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Shared.Jobs;

namespace MembershipPortal.Web.Features.Boxes;

public static class DependencyInjection
{
    /// <summary>Boxes: shipments, the member's box controls, addresses, shipping rates, and the cut-off job.</summary>
    public static IHostApplicationBuilder AddPortalBoxes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShipmentService>();
        builder.Services.AddSingleton<BoxRenewals>();
        builder.Services.AddSingleton<BoxSettings>();
        builder.Services.AddScoped<BoxCutoffRun>();
        builder.Services.AddScoped<TrackingImport>();
        builder.Services.AddScoped<BoxControls>();
        builder.Services.AddScoped<StripeSkipCredits>();
        builder.Services.AddScoped<AddressBook>();
        builder.Services.AddSingleton<ShippingZones>();
        builder.Services.AddScoped<BoxEconomics>();
        builder.Services.AddScoped<CycleContents>();
        builder.AddPortalJob<BoxCutoffJob>(BoxCutoffJob.Key, "box-cutoff-trigger", o => TimeSpan.FromMinutes(o.BoxCutoffMinutes));
        return builder;
    }

    /// <summary>GET /admin/boxes/{product}/{cycle}/export.csv and /admin/fulfilment/{date}/export.csv (Owner and Staff): shipments for a fulfilment partner.</summary>
    public static WebApplication MapPortalBoxes(this WebApplication app)
    {
        app.MapGet("/admin/boxes/{productId:guid}/{cycle}/export.csv", async (Guid productId, string cycle, ShipmentService boxes, CancellationToken ct) =>
            CycleKey.TryParse(cycle, out var key)
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(await boxes.ExportCsvAsync(productId, key, ct)), "text/csv; charset=utf-8", $"shipments-{key}.csv")
                : Results.BadRequest("The cycle is written yyyy-MM.")).RequireAuthorization(PortalPolicies.Admin);
        app.MapGet("/admin/fulfilment/{date}/export.csv", async (string date, ShipmentService boxes, CancellationToken ct) =>
            DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(await boxes.ExportCsvAsync(day, ct)), "text/csv; charset=utf-8", $"parcels-{day:yyyy-MM-dd}.csv")
                : Results.BadRequest("The ship date is written yyyy-MM-dd.")).RequireAuthorization(PortalPolicies.Admin);
        // /admin/boxes became /admin/fulfilment (every parcel: boxes, kits, one-time products); old links and bookmarks still work.
        app.MapGet("/admin/boxes", () => Results.Redirect("/admin/fulfilment")).RequireAuthorization(PortalPolicies.Admin);
        return app;
    }
}
