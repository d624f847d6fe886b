using System.Diagnostics;
using System.Net;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Telemetry;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Notifications.Jobs;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Tests.Stripe;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Quartz;

namespace MembershipPortal.Web.Tests.Operations;

/// <summary>The portal's instruments are process-wide: these tests run alone so no other test's webhooks or emails are counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The portal with the production instrumentation set (<see cref="PortalTelemetrySetup.AddPortalInstrumentation(TracerProviderBuilder)"/>) exporting to memory.</summary>
public sealed class InMemoryTelemetryFactory : StripePortalFactory
{
    public List<Activity> Spans { get; } = [];
    public List<Metric> Metrics { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddOpenTelemetry()
            .WithTracing(t => t.AddPortalInstrumentation().AddInMemoryExporter(Spans))
            .WithMetrics(m => m.AddPortalInstrumentation().AddInMemoryExporter(Metrics)));
    }

    /// <summary>Exports what was recorded so far; returns each portal counter's total (or gauge's value) by name.</summary>
    public Dictionary<string, long> Flush()
    {
        Services.GetRequiredService<TracerProvider>().ForceFlush();
        Metrics.Clear();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        var totals = new Dictionary<string, long>();
        foreach (var metric in Metrics.Where(m => m.MeterName == PortalTelemetry.Name))
            foreach (ref readonly var point in metric.GetMetricPoints())
                totals[metric.Name] = totals.GetValueOrDefault(metric.Name) +
                    (metric.MetricType == MetricType.LongGauge ? point.GetGaugeLastValueLong() : point.GetSumLong());
        return totals;
    }
}

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Webhook_SignedEventProcessed_ExportsSpanAndCounter()
    {
        using var factory = new InMemoryTelemetryFactory();
        var world = await factory.SeedAsync();
        var before = factory.Flush().GetValueOrDefault("portal.webhooks.processed");
        var now = factory.Clock.GetUtcNow();
        var eventId = "evt_otel_" + world.CustomerId;
        var payload = StripeEvents.Envelope(eventId, "customer.subscription.created", now,
            StripeEvents.Subscription(world.SubscriptionId, world.CustomerId, world.MemberId, world.StripePriceId, "active", now.AddMinutes(-5), now.AddMinutes(-5).AddMonths(1)));

        var response = await factory.PostEventAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var totals = factory.Flush();
        Assert.Equal(before + 1, totals["portal.webhooks.processed"]);
        var span = Assert.Single(factory.Spans, s => s.OperationName == "stripe webhook" && (string?)s.GetTagItem("stripe.event_id") == eventId);
        Assert.Equal("customer.subscription.created", span.GetTagItem("stripe.event_type"));
        Assert.Equal("Processed", span.GetTagItem("portal.webhook.outcome"));
        // Inside the request's span, with the database work inside it.
        var request = Assert.Single(factory.Spans, s => s.SpanId == span.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Contains(factory.Spans, s => s.ParentSpanId == span.SpanId && s.Source.Name == "OpenTelemetry.Instrumentation.EntityFrameworkCore");
    }

    [Fact]
    public async Task Webhook_BadSignature_CountsRejectedNotProcessed()
    {
        using var factory = new InMemoryTelemetryFactory();
        var before = factory.Flush();

        var response = await factory.PostEventAsync(StripeEvents.Envelope("evt_otel_bad", "customer.created", factory.Clock.GetUtcNow(), new()), secret: "whsec_other");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var totals = factory.Flush();
        Assert.Equal(before.GetValueOrDefault("portal.webhooks.rejected") + 1, totals["portal.webhooks.rejected"]);
        Assert.Equal(before.GetValueOrDefault("portal.webhooks.processed"), totals.GetValueOrDefault("portal.webhooks.processed"));
    }

    [Fact]
    public async Task Outbox_EmailsQueuedThenSent_BacklogGaugeCountsAndBatchSpan()
    {
        using var factory = new InMemoryTelemetryFactory();
        await using (var db = await factory.DbAsync())
        {
            for (var i = 0; i < 2; i++)
                db.Outbox.Add(OutboxMessage.Create($"otel:{i}", "test", new EmailMessage($"m{i}@example.test", "Hello", "<p>x</p>", "x"), factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        var before = factory.Flush();
        Assert.Equal(2, before["portal.outbox.backlog"]);

        await factory.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

        var after = factory.Flush();
        Assert.Equal(0, after["portal.outbox.backlog"]);
        Assert.Equal(before.GetValueOrDefault("portal.emails.sent") + 2, after["portal.emails.sent"]);
        var batch = Assert.Single(factory.Spans, s => s.OperationName == "outbox batch");
        Assert.Equal(2, batch.GetTagItem("outbox.sent"));
    }

    [Fact]
    public async Task Outbox_MailServerDown_CountsFailedSendsAsRetrying()
    {
        using var factory = new InMemoryTelemetryFactory();
        // Nothing listens on port 9 (discard): every connection is refused.
        factory.WithSetting("Email:Delivery", "Smtp").WithSetting("Email:Smtp:Host", "127.0.0.1").WithSetting("Email:Smtp:Port", "9")
            .WithSetting("Email:Smtp:UseTls", "false").WithSetting("Email:Smtp:Username", "");
        await using (var db = await factory.DbAsync())
        {
            db.Outbox.Add(OutboxMessage.Create("otel:down", "test", new EmailMessage("down@example.test", "Hello", "<p>x</p>", "x"), factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        var before = factory.Flush();

        var report = await factory.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

        Assert.Equal(1, report.Retrying);
        var after = factory.Flush();
        Assert.Equal(before.GetValueOrDefault("portal.emails.failed") + 1, after["portal.emails.failed"]);
        Assert.Equal(before.GetValueOrDefault("portal.emails.sent"), after.GetValueOrDefault("portal.emails.sent"));
    }

    [Fact]
    public async Task Login_WrongPasswordThenLockedOut_CountsAttemptsAndLockout()
    {
        using var factory = new InMemoryTelemetryFactory();
        await factory.CreateUserAsync("locked@example.test", "a long member passphrase");
        var before = factory.Flush();

        for (var i = 0; i < 6; i++)
            await PortalFactory.LoginAsync(factory.CreateBrowserlessClient(), "locked@example.test", "not the passphrase at all");

        var after = factory.Flush();
        Assert.Equal(before.GetValueOrDefault("portal.logins") + 6, after["portal.logins"]);
        Assert.True(after["portal.lockouts"] > before.GetValueOrDefault("portal.lockouts"));
    }

    [Fact]
    public async Task Renewals_OneCardGoodOneDeclined_CountsChargedAndFailed()
    {
        using var factory = new InMemoryTelemetryFactory();
        factory.WithSetting("Payments:Provider", "Test");
        var catalog = await TestCatalog.CreateAsync(factory);
        await BuyAsync(factory, catalog.BasicMonthly, TestPaymentGateway.Succeeds);
        await BuyAsync(factory, catalog.BasicMonthly, TestPaymentGateway.FailsOnRenewal);
        var before = factory.Flush();
        factory.Clock.Advance(TimeSpan.FromDays(31));

        var report = await factory.Services.GetRequiredService<RenewalRun>().RunOnceAsync(factory.Clock.GetUtcNow());

        Assert.Equal((1, 1), (report.Renewed, report.Failed));
        var after = factory.Flush();
        Assert.Equal(before.GetValueOrDefault("portal.renewals.charged") + 1, after["portal.renewals.charged"]);
        Assert.Equal(before.GetValueOrDefault("portal.renewals.failed") + 1, after["portal.renewals.failed"]);
    }

    [Fact]
    public async Task Circuits_OpenedThenClosed_ActiveGoesUpAndBack()
    {
        using var factory = new InMemoryTelemetryFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var counter = Assert.Single(scope.ServiceProvider.GetServices<CircuitHandler>().OfType<CircuitCounter>());
        var before = factory.Flush().GetValueOrDefault("portal.circuits.active");

        await counter.OnCircuitOpenedAsync(null!, default);
        Assert.Equal(before + 1, factory.Flush()["portal.circuits.active"]);
        await counter.OnCircuitClosedAsync(null!, default);
        Assert.Equal(before, factory.Flush()["portal.circuits.active"]);
    }

    [Fact]
    public async Task Job_Triggered_ExportsPortalJobSpanAndQuartzSpan()
    {
        using var factory = new InMemoryTelemetryFactory();
        factory.WithSetting("Jobs:Enabled", "true").WithSetting("Jobs:Store", "Memory");
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(OutboxDispatchJob.Key);

        Activity? job = null;
        for (var i = 0; i < 100 && job is null; i++)
        {
            await Task.Delay(100);
            factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
            job = factory.Spans.ToList().FirstOrDefault(s => s.OperationName == "job " + OutboxDispatchJob.Key.Name);
        }
        Assert.NotNull(job);
        // Quartz's own execution span, under the name AddPortalInstrumentation listens to, is the job span's parent.
        var quartz = Assert.Single(factory.Spans.ToList(), s => s.SpanId == job.ParentSpanId);
        Assert.Equal(PortalTelemetrySetup.QuartzSource, quartz.Source.Name);
    }

    private static async Task BuyAsync(PortalFactory factory, Guid priceId, string cardNumber)
    {
        var user = await factory.CreateUserAsync($"m{Guid.NewGuid():N}@example.test", "a long member passphrase");
        await using var scope = factory.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>()
            .CheckoutAsync(user.Id, user.Email!, new CheckoutChoice { PriceId = priceId }, new CardDetails(cardNumber, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public void AddPortalTelemetry_NoOtlpEndpoint_WiresNoExporter()
    {
        using var factory = new PortalFactory();
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void AddPortalTelemetry_OtlpEndpointSet_WiresTracesAndMetrics()
    {
        using var factory = new PortalFactory();
        // A closed port: the exporter's failures stay in its own event source.
        factory.WithSetting(PortalTelemetrySetup.OtlpEndpointVariable, "http://127.0.0.1:9");
        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }
}
