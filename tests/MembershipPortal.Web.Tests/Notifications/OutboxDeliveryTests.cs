using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

public sealed class OutboxDeliveryTests
{
    [Fact]
    public async Task SmtpDown_NoticesStayQueued_ThenServerBack_AllDeliveredNoneTwice()
    {
        // The portal points at a port where nothing listens yet; maildev starts there later.
        var smtp = new MailDevServer();
        await using var app = await new NotificationsApp(smtp.SmtpPort).StartAsync();
        var members = new List<string>();
        for (var i = 0; i < 3; i++)
            members.Add((await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.FailsOnRenewal)).Email);
        app.Factory.Clock.Advance(TimeSpan.FromDays(31));
        await app.Get<RenewalRun>().RunOnceAsync(app.Now);
        var dispatcher = app.Get<OutboxDispatcher>();

        var down = await dispatcher.DispatchDueAsync();
        var again = await dispatcher.DispatchDueAsync(); // backing off: not even tried

        Assert.Equal(0, down.Sent);
        Assert.Equal(9, down.Retrying); // welcome, receipt and payment failed for each member
        Assert.Equal(DispatchReport.Empty, again);
        await using (var db = app.Db())
        {
            var rows = await db.Outbox.AsNoTracking().ToListAsync();
            Assert.Equal(9, rows.Count);
            Assert.All(rows, r =>
            {
                Assert.Equal(OutboxStatus.Queued, r.Status);
                Assert.Equal(1, r.Attempts);
                Assert.NotNull(r.LastError);
                Assert.True(r.NextAttemptAt > app.Now);
            });
        }

        try
        {
            await smtp.InitializeAsync();
            app.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
            var back = await dispatcher.DispatchDueAsync();
            var after = await dispatcher.DispatchDueAsync();

            Assert.Equal(9, back.Sent);
            Assert.Equal(DispatchReport.Empty, after);
            var emails = await smtp.EmailsAsync();
            Assert.Equal(9, emails.Count);
            Assert.Equal(9, emails.Select(e => e.MessageId()).Distinct().Count());
            foreach (var member in members)
                Assert.Equal(3, (await smtp.EmailsToAsync(member)).Count);
            await using var db = app.Db();
            Assert.All(await db.Outbox.AsNoTracking().ToListAsync(), r => Assert.Equal(OutboxStatus.Sent, r.Status));
        }
        finally
        {
            await smtp.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoDispatchers_SameDatabaseAtOnce_EachNoticeDeliveredOnce()
    {
        await using var smtp = new MailDevLifetime();
        await smtp.Server.InitializeAsync();
        await using var app = await new NotificationsApp(smtp.Server.SmtpPort, ("Email:Outbox:BatchSize", "7"), ("Email:Outbox:Parallelism", "3")).StartAsync();
        await using (var db = app.Db())
        {
            for (var i = 0; i < 120; i++)
                db.Outbox.Add(OutboxMessage.Create($"load:{i}", "receipt",
                    new EmailMessage($"load{i}@example.test", $"Message {i}", $"<p>{i}</p>", $"{i}"), app.Now));
            await db.SaveChangesAsync();
        }
        var first = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Factory.Services);
        var second = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Factory.Services);

        var reports = await Task.WhenAll(Task.Run(() => first.DispatchDueAsync()), Task.Run(() => second.DispatchDueAsync()));

        Assert.Equal(120, reports.Sum(r => r.Sent));
        Assert.All(reports, r => Assert.True(r.Sent > 0, "both dispatchers should have taken part"));
        var emails = await smtp.Server.EmailsAsync();
        Assert.Equal(120, emails.Count);
        Assert.Equal(120, emails.Select(e => e.Subject()).Distinct().Count());
        await using var check = app.Db();
        Assert.Equal(120, await check.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && o.Attempts == 1));
    }

    [Fact]
    public async Task Dispatcher_DiesHoldingRows_LeaseRunsOutAndAnotherSendsThem()
    {
        await using var smtp = new MailDevLifetime();
        await smtp.Server.InitializeAsync();
        await using var app = await new NotificationsApp(smtp.Server.SmtpPort).StartAsync();
        var token = Guid.NewGuid();
        await using (var db = app.Db())
        {
            var row = OutboxMessage.Create("crash:1", "receipt", new EmailMessage("crash@example.test", "Claimed then crashed", "<p>x</p>", "x"), app.Now);
            // As left by a dispatcher that claimed the row and died before sending it.
            (row.Status, row.ClaimToken, row.LeaseUntil, row.Attempts) = (OutboxStatus.Sending, token, app.Now.AddMinutes(5), 1);
            db.Outbox.Add(row);
            await db.SaveChangesAsync();
        }
        var dispatcher = app.Get<OutboxDispatcher>();

        Assert.Equal(DispatchReport.Empty, await dispatcher.DispatchDueAsync());
        app.Factory.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Sent);
        Assert.Single(await smtp.Server.EmailsToAsync("crash@example.test"));
    }

    [Fact]
    public async Task SameDedupKeyTwice_UniqueIndexRejectsTheSecondRow()
    {
        await using var app = await new NotificationsApp(1).StartAsync();
        var message = new EmailMessage("dup@example.test", "Once", "<p>once</p>", "once");
        await using (var db = app.Db())
        {
            Assert.True(await Outbox.EnqueueAsync(db, OutboxMessage.Create("dunning:x:1:paymentfailed", "payment-failed", message, app.Now)));
            Assert.False(await Outbox.EnqueueAsync(db, OutboxMessage.Create("dunning:x:1:paymentfailed", "payment-failed", message, app.Now)));
            await db.SaveChangesAsync();
        }
        await using var other = app.Db();
        other.Outbox.Add(OutboxMessage.Create("dunning:x:1:paymentfailed", "payment-failed", message, app.Now));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        Assert.True(Outbox.IsUniqueViolation(ex));
    }

    /// <summary>A maildev started by the test itself (disposed with it).</summary>
    private sealed class MailDevLifetime : IAsyncDisposable
    {
        public MailDevServer Server { get; } = new();

        public ValueTask DisposeAsync() => new(Server.DisposeAsync());
    }
}
