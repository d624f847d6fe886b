using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Tests.ScaleOut;

/// <summary>Stopping mid-delivery hands the unsent emails straight back to the queue; nothing is left claimed or lost.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly PortalFactory root = new();
    private readonly WebApplicationFactoryHolder holder;

    public GracefulShutdownTests() => holder = new WebApplicationFactoryHolder(root);

    public void Dispose()
    {
        holder.Dispose();
        root.Dispose();
    }

    /// <summary>A mail server that accepts the connection and then never answers.</summary>
    private sealed class HangingTransport : IEmailTransport
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class WebApplicationFactoryHolder(PortalFactory root) : IDisposable
    {
        public HangingTransport Transport { get; } = new();
        private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? factory;

        public IServiceProvider Services => (factory ??= root.WithWebHostBuilder(b =>
            b.ConfigureTestServices(s => s.AddSingleton<IEmailTransport>(Transport)))).Services;

        public void Dispose() => factory?.Dispose();
    }

    [Fact]
    public async Task DispatchCancelled_MidSend_RowsBackInQueueUnclaimed()
    {
        var services = holder.Services;
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            for (var i = 0; i < 3; i++)
                db.Outbox.Add(OutboxMessage.Create($"shutdown-{i}", "test", new EmailMessage($"m{i}@example.test", "Hello", "<p>x</p>", "x"), now));
            await db.SaveChangesAsync();
        }

        using var stopping = new CancellationTokenSource();
        var dispatch = services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(stopping.Token);
        await holder.Transport.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        stopping.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatch);

        await using var check = await dbFactory.CreateDbContextAsync();
        var rows = await check.Outbox.Where(m => m.DedupKey.StartsWith("shutdown-")).ToListAsync();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal((OutboxStatus.Queued, (Guid?)null, (DateTimeOffset?)null), (r.Status, r.ClaimToken, r.LeaseUntil)));
    }

    [Fact]
    public void Host_ShutdownTimeout_GivesWorkThirtySeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(30), root.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
}
