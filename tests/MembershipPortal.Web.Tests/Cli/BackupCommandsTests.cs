using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Cli;

/// <summary>backup and restore, run as processes against a portal that is running and writing.</summary>
public sealed class BackupCommandsTests : IDisposable
{
    private readonly PortalFactory running = new();
    private readonly PortalProcess cli = new();
    private readonly PortalProcess restoredCli = new();

    private string Backup => Path.Combine(cli.Root, "backups", "portal-backup.db");

    public BackupCommandsTests()
    {
        // The backup process works on the running portal's database and uploads folder.
        cli.Environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(running.Root, "portal.db")}";
        cli.Environment["Content__FilesPath"] = Path.Combine(running.Root, "files");
        restoredCli.Environment["Content__FilesPath"] = Path.Combine(restoredCli.Root, "files");
    }

    [Fact]
    public async Task Backup_WhileThePortalWrites_RestoredPortalHasEveryRowCommittedBefore()
    {
        _ = running.Server;   // started: migrated, holding its lock
        Directory.CreateDirectory(Path.Combine(running.Root, "files"));
        await File.WriteAllTextAsync(Path.Combine(running.Root, "files", "upload-1"), "an uploaded file");

        var committed = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var settings = running.Services.GetRequiredService<SettingsStore>();
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await settings.SetAsync($"backup-test.{i}", i.ToString());
                Volatile.Write(ref committed, i);
            }
        });
        while (Volatile.Read(ref committed) < 50)
            await Task.Delay(10);

        var before = Volatile.Read(ref committed);
        var backup = await cli.RunAsync(["backup", "--to", Backup]);
        var afterBackup = Volatile.Read(ref committed);
        await Task.Delay(100);
        await stop.CancelAsync();
        await writer;

        Assert.True(backup.Code == 0, backup.Error);
        Assert.Equal($"{Backup}\n{Backup}.files.tar\n", backup.Out);
        Assert.True(afterBackup > before, "rows were being written while the backup ran");

        var restore = await restoredCli.RunAsync(["restore", "--from", Backup]);
        Assert.True(restore.Code == 0, restore.Error);

        using var restored = new PortalFactory().WithSetting("ConnectionStrings:Portal", $"Data Source={restoredCli.Database}");
        var settingsAfter = restored.Services.GetRequiredService<SettingsStore>();   // the restored portal starts (and migrates)
        for (var i = 1; i <= before; i++)
            Assert.Equal(i.ToString(), await settingsAfter.GetAsync($"backup-test.{i}"));
        Assert.Equal("an uploaded file", await File.ReadAllTextAsync(Path.Combine(restoredCli.Root, "files", "upload-1")));
    }

    [Fact]
    public async Task Restore_WhileThePortalRuns_RefusesAndChangesNothing()
    {
        _ = running.Server;
        await running.Services.GetRequiredService<SettingsStore>().SetAsync("before-backup", "1");
        var backup = await cli.RunAsync(["backup", "--to", Backup]);
        Assert.True(backup.Code == 0, backup.Error);
        await running.Services.GetRequiredService<SettingsStore>().SetAsync("after-backup", "1");

        var restore = await cli.RunAsync(["restore", "--from", Backup]);

        Assert.Equal((1, ""), (restore.Code, restore.Out));
        Assert.Contains("The portal is running", restore.Error);
        Assert.Equal("1", await running.Services.GetRequiredService<SettingsStore>().GetAsync("after-backup"));
    }

    [Fact]
    public async Task Restore_PortalStopped_Succeeds()
    {
        _ = running.Server;
        var backup = await cli.RunAsync(["backup", "--to", Backup]);
        Assert.True(backup.Code == 0, backup.Error);
        running.Dispose();   // the portal stops and drops its lock; the backup is what is left of it

        var restore = await cli.RunAsync(["restore", "--from", Backup]);

        Assert.True(restore.Code == 0, restore.Error);
    }

    public void Dispose()
    {
        running.Dispose();
        cli.Dispose();
        restoredCli.Dispose();
    }
}
