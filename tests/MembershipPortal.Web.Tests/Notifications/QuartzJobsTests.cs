using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Notifications.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace MembershipPortal.Web.Tests.Notifications;

public sealed class QuartzJobsTests
{
    [Fact]
    public async Task JobsEnabled_Sqlite_ProvisionsQuartzSchemaInPortalDatabase_AndSchedulesTheJobs_AgainAfterRestart()
    {
        var root = Directory.CreateTempSubdirectory("quartz").FullName;
        var database = Path.Combine(root, "portal.db");
        try
        {
            for (var start = 0; start < 2; start++)
            {
                using var factory = new PortalFactory()
                    .WithSetting("Jobs:Enabled", "true")
                    .WithSetting("ConnectionStrings:Portal", $"Data Source={database}");
                _ = factory.Server;
                var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
                await WaitAsync(() => scheduler.Status == SchedulerStatus.Running);

                Assert.NotNull(await scheduler.GetJobDetail(RenewalJob.Key));
                Assert.NotNull(await scheduler.GetJobDetail(OutboxDispatchJob.Key));
                Assert.NotNull(await scheduler.GetJobDetail(NoticeScheduleJob.Key));
                Assert.NotNull(await scheduler.GetJobDetail(MembershipPortal.Web.Features.Boxes.BoxCutoffJob.Key));
                Assert.NotNull(await scheduler.GetJobDetail(MembershipPortal.Web.Features.Billing.Reconciliation.StripeReconciliationJob.Key));
                Assert.NotNull(await scheduler.GetTrigger(new TriggerKey("renewals-trigger", "billing")));
            }

            await using var connection = new SqliteConnection($"Data Source={database}");
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('QRTZ_JOB_DETAILS', 'QRTZ_TRIGGERS', 'QRTZ_LOCKS', 'EmailOutbox')";
            Assert.Equal(4L, await command.ExecuteScalarAsync());
            command.CommandText = "SELECT COUNT(*) FROM QRTZ_JOB_DETAILS";
            Assert.Equal(5L, await command.ExecuteScalarAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            { Directory.Delete(root, true); }
            catch (IOException) { }
        }
    }

    [Fact]
    public void JobsDisabled_NoSchedulerRegistered()
    {
        using var factory = new PortalFactory();
        _ = factory.Server;
        Assert.Null(factory.Services.GetService<ISchedulerFactory>());
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The scheduler did not start.");
            await Task.Delay(100);
        }
    }
}
