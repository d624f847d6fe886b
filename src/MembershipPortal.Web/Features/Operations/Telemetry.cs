using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MembershipPortal.Web.Features.Operations;

/// <summary>
/// OpenTelemetry export, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (environment or configuration): traces for
/// ASP.NET Core, HttpClient (Stripe's API), EF Core, Quartz and the portal's own spans; metrics for the runtime,
/// ASP.NET Core, HttpClient and the portal's own meter (<see cref="PortalTelemetry"/>). The OTEL_* variables
/// (protocol, headers, service name, resource attributes) are read by the exporter itself. Without the variable nothing
/// is wired: the portal's instruments then have no listener and cost next to nothing.
/// </summary>
public static class PortalTelemetrySetup
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Quartz 4's own ActivitySource and Meter (job execution spans, job and store durations).</summary>
    public const string QuartzSource = "Quartz";

    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitCounter>());
        builder.Services.AddHostedService<OutboxBacklogSource>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
            return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(PortalTelemetry.Name, serviceVersion: typeof(PortalTelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t.AddPortalInstrumentation().AddOtlpExporter())
            .WithMetrics(m => m.AddPortalInstrumentation().AddOtlpExporter());
        return builder;
    }

    public static TracerProviderBuilder AddPortalInstrumentation(this TracerProviderBuilder tracing) => tracing
        .AddSource(PortalTelemetry.Name, QuartzSource)
        // Probes every few seconds would drown the traces; their answers are the signal.
        .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
        .AddHttpClientInstrumentation()
        .AddEntityFrameworkCoreInstrumentation();

    public static MeterProviderBuilder AddPortalInstrumentation(this MeterProviderBuilder metrics) => metrics
        .AddMeter(PortalTelemetry.Name, QuartzSource)
        .AddRuntimeInstrumentation()
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation();

    /// <summary>Counts a sign-in attempt on the login page, and a lockout when the account is locked.</summary>
    public static void RecordSignIn(SignInResult result)
    {
        var outcome = result.Succeeded ? "succeeded" : result.RequiresTwoFactor ? "two_factor" : result.IsLockedOut ? "locked_out" : "failed";
        PortalTelemetry.Logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (result.IsLockedOut)
            PortalTelemetry.Lockouts.Add(1);
    }
}

/// <summary>Counts open Blazor Server circuits (one handler per circuit).</summary>
public sealed class CircuitCounter : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        PortalTelemetry.ActiveCircuits.Add(1);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        PortalTelemetry.ActiveCircuits.Add(-1);
        return Task.CompletedTask;
    }
}

/// <summary>Feeds the outbox backlog gauge from this host's database while the host runs (read only when a reader collects).</summary>
public sealed class OutboxBacklogSource(IDbContextFactory<AppDbContext> dbFactory, ILogger<OutboxBacklogSource> logger) : IHostedService
{
    private IDisposable? registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registration = PortalTelemetry.ObserveOutboxBacklog(Read);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registration?.Dispose();
        return Task.CompletedTask;
    }

    internal long? Read()
    {
        try
        {
            // Observable instruments are read synchronously by the metrics reader, on its own thread.
            using var db = dbFactory.CreateDbContext();
            return db.Outbox.LongCount(m => m.Status == OutboxStatus.Queued || m.Status == OutboxStatus.Sending);
        }
        catch (Exception ex)
        {
            logger.LogWarning("The outbox backlog could not be read: {Error}", ex.GetType().Name);
            return null;
        }
    }
}
