using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MembershipPortal.Tests.Support;

/// <summary>
/// A real SMTP server (maildev from npm, tests/tools) on free loopback ports, with its REST API for reading what
/// arrived. Installs tests/tools with `npm ci` on first use when .ci/run has not already.
/// </summary>
public sealed class MailDevServer : IAsyncLifetime
{
    private Process? process;
    private readonly string mailDirectory = Directory.CreateTempSubdirectory("maildev").FullName;
    public int SmtpPort { get; } = FreePort();
    public int WebPort { get; } = FreePort();
    public HttpClient Api { get; private set; } = new();

    public async Task InitializeAsync()
    {
        var tools = Path.Combine(RepositoryRoot(), "tests", "tools");
        var maildev = Path.Combine(tools, "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev))
            await RunAsync("npm", "ci --no-audit --no-fund", tools);

        process = Process.Start(new ProcessStartInfo(maildev,
            $"--smtp {SmtpPort} --web {WebPort} --ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory {mailDirectory}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("maildev did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/") };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await Api.GetAsync("api/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (process.HasExited)
                throw new InvalidOperationException($"maildev exited with {process.ExitCode}");
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException("maildev did not answer within 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Every message received so far, as maildev's JSON objects.</summary>
    public async Task<IReadOnlyList<JsonElement>> EmailsAsync()
    {
        using var doc = JsonDocument.Parse(await Api.GetStringAsync("api/email"));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public Task ClearAsync() => Api.DeleteAsync("api/email/all");

    public async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        Api.Dispose();
        try
        { Directory.Delete(mailDirectory, true); }
        catch (IOException) { }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MembershipPortal.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("MembershipPortal.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string args, string cwd)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = cwd, UseShellExecute = false })!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {args} failed with {p.ExitCode}");
    }
}
