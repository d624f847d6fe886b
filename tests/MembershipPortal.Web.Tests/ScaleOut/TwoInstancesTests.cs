using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Tests.Support;
using Microsoft.Data.Sqlite;

namespace MembershipPortal.Web.Tests.ScaleOut;

/// <summary>
/// Two real portal processes on one SQLite file, on two loopback ports, as behind a load balancer: a sign-in made on
/// the first is honoured by the second (data-protection keys live in the database), and only the instance with
/// Jobs:Enabled=true runs background jobs (a queued email is delivered by the first and never by the second).
/// </summary>
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private const string Email = "scale.owner@example.test", Password = "a long owner passphrase";
    private readonly string root = Path.Combine(Path.GetTempPath(), "portal-scale", Guid.NewGuid().ToString("N"));
    private readonly List<Process> processes = [];
    private string Database => Path.Combine(root, "portal.db");
    private string ConnectionString => $"Data Source={Database}";
    private static string WebDll => Path.Combine(AppContext.BaseDirectory, "MembershipPortal.Web.dll");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        Assert.Equal(0, await RunCommandAsync("migrate"));
        Assert.Equal(0, await RunCommandAsync("create-admin", "--email", Email, "--password", Password));
    }

    public Task DisposeAsync()
    {
        foreach (var p in processes)
        {
            try
            { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        SqliteConnection.ClearAllPools();
        try
        { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SignInOnOne_HonouredByTheOther_AndOnlyOneRunsJobs()
    {
        var first = await StartAsync("first", jobs: true);
        var second = await StartAsync("second", jobs: false);

        var cookies = new CookieContainer();
        using var onFirst = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = first };
        var login = await PortalFactory.LoginAsync(onFirst, Email, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // The same cookie, sent to the other instance.
        using var onSecond = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = second };
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
        request.Headers.Add("Cookie", cookies.GetCookieHeader(first));
        var admin = await onSecond.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var anonymous = await onSecond.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);

        // A queued email is sent by the instance that runs jobs, into its own pickup folder, and never by the other.
        await using (var db = Context())
        {
            db.Outbox.Add(OutboxMessage.Create("scale-out-test", "test", new EmailMessage("someone@example.test", "Scale-out check", "<p>hi</p>", "hi"), DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        var sentBy = await WaitForMailAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("first", sentBy);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(MailFiles("second"));
        Assert.Single(MailFiles("first"));

        // An Owner's setting saved through one instance (here: straight into the shared database) reaches the other.
        await using (var db = Context())
        {
            db.Settings.Add(new MembershipPortal.Infrastructure.Settings.PortalSetting { Key = "portal.business-name", Value = "Shared Name Studio", UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var seen = false;
        for (var until = DateTime.UtcNow.AddSeconds(45); !seen && DateTime.UtcNow < until; await Task.Delay(500))
            seen = (await onSecond.GetStringAsync("/")).Contains("Shared Name Studio", StringComparison.Ordinal);
        Assert.True(seen, "The second instance did not pick up the business name within 45 seconds.");
    }

    private SqliteAppDbContext Context() => new(DesignTimeServices.Sqlite(ConnectionString));

    private string[] MailFiles(string name)
    {
        var dir = Path.Combine(root, "mail-" + name);
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*.eml") : [];
    }

    private async Task<string?> WaitForMailAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            foreach (var name in new[] { "first", "second" })
                if (MailFiles(name).Length > 0)
                    return name;
            await Task.Delay(250);
        }
        return null;
    }

    private ProcessStartInfo Start(string name, bool jobs, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WebDll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["ConnectionStrings__Portal"] = ConnectionString;
        info.Environment["Jobs__Enabled"] = jobs ? "true" : "false";
        info.Environment["Jobs__DispatchSeconds"] = "1";
        info.Environment["Email__PickupDirectory"] = Path.Combine(root, "mail-" + name);
        info.Environment["Content__FilesPath"] = Path.Combine(root, "files");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    private async Task<int> RunCommandAsync(params string[] args)
    {
        using var process = Process.Start(Start("cli", jobs: false, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)} failed: {await output} {await error}");
        return process.ExitCode;
    }

    private async Task<Uri> StartAsync(string name, bool jobs)
    {
        var port = FreePort();
        var info = Start(name, jobs);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(info)!;
        processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            Assert.False(process.HasExited, $"The {name} instance exited with {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                if ((await probe.GetAsync("/health")).IsSuccessStatusCode)
                    return address;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The {name} instance did not answer /health within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
