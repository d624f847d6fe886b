using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MembershipPortal.Infrastructure.Telemetry;

/// <summary>
/// The portal's own traces and metrics, both named "MembershipPortal". Instruments cost a field read and an empty
/// loop while nothing listens (no exporter configured), so the hot paths call them unconditionally; spans are null then.
/// Every instrument the portal records is declared here, so the list of what it measures is this one file.
/// </summary>
public static class PortalTelemetry
{
    public const string Name = "MembershipPortal";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> WebhooksProcessed =
        Meter.CreateCounter<long>("portal.webhooks.processed", "{event}", "Stripe events applied and recorded.");
    public static readonly Counter<long> WebhooksIgnored =
        Meter.CreateCounter<long>("portal.webhooks.ignored", "{event}", "Stripe events with no handler (recorded, otherwise ignored) or already processed.");
    public static readonly Counter<long> WebhooksFailed =
        Meter.CreateCounter<long>("portal.webhooks.failed", "{event}", "Stripe events whose handler failed (rolled back; Stripe retries).");
    public static readonly Counter<long> WebhooksRejected =
        Meter.CreateCounter<long>("portal.webhooks.rejected", "{event}", "Webhook posts refused: bad signature, stale timestamp, another API version.");

    public static readonly Counter<long> EmailsSent =
        Meter.CreateCounter<long>("portal.emails.sent", "{email}", "Outbox emails handed to the mail server.");
    public static readonly Counter<long> EmailsFailed =
        Meter.CreateCounter<long>("portal.emails.failed", "{email}", "Failed send attempts (tag outcome: retrying or gave_up).");

    public static readonly Counter<long> RenewalsCharged =
        Meter.CreateCounter<long>("portal.renewals.charged", "{charge}", "Renewal and dunning-retry charges that went through (test gateway's billing engine).");
    public static readonly Counter<long> RenewalsFailed =
        Meter.CreateCounter<long>("portal.renewals.failed", "{charge}", "Renewal and dunning-retry charges that were declined.");

    public static readonly Counter<long> Logins =
        Meter.CreateCounter<long>("portal.logins", "{attempt}", "Sign-in attempts on the login page (tag outcome: succeeded, two_factor, locked_out, failed).");
    public static readonly Counter<long> Lockouts =
        Meter.CreateCounter<long>("portal.lockouts", "{attempt}", "Sign-in attempts refused because the account is locked out.");

    public static readonly UpDownCounter<long> ActiveCircuits =
        Meter.CreateUpDownCounter<long>("portal.circuits.active", "{circuit}", "Open Blazor Server circuits.");

    private static readonly ConcurrentDictionary<object, Func<long?>> BacklogSources = new();

    /// <summary>Queued and in-flight outbox rows, read from the database each time a metrics reader collects.</summary>
    public static readonly ObservableGauge<long> OutboxBacklog = Meter.CreateObservableGauge(
        "portal.outbox.backlog", ObserveBacklog, "{email}", "Emails queued or being sent.");

    /// <summary>Adds a source for <see cref="OutboxBacklog"/> (one per host; tests run several hosts in one process).</summary>
    public static IDisposable ObserveOutboxBacklog(Func<long?> read)
    {
        var key = new object();
        BacklogSources[key] = read;
        return new Unregister(key);
    }

    private static IEnumerable<Measurement<long>> ObserveBacklog()
    {
        foreach (var read in BacklogSources.Values)
            if (read() is { } value)
                yield return new Measurement<long>(value);
    }

    private sealed class Unregister(object key) : IDisposable
    {
        public void Dispose() => BacklogSources.TryRemove(key, out _);
    }

    /// <summary>A span for one run of a background job; null while no tracer listens.</summary>
    public static Activity? StartJob(string job)
    {
        var activity = Source.StartActivity("job " + job);
        activity?.SetTag("portal.job", job);
        return activity;
    }

    /// <summary>Marks a span failed with the exception's type (not its message, which may carry data).</summary>
    public static void Fail(this Activity? activity, Exception error)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
