using System.Diagnostics;

namespace MembershipPortal.Web.Tests.Cli;

public sealed record ProcessResult(int Code, string Out, string Error, TimeSpan Took);

/// <summary>
/// Runs the built Web executable as a child process with its standard streams redirected, in a folder of its own (its
/// content root) on its own SQLite file: what a user at a shell gets, byte for byte.
/// </summary>
public sealed class PortalProcess : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("portal-cli").FullName;
    public string Database => Path.Combine(Root, "portal.db");
    public Dictionary<string, string> Environment { get; } = new();

    public PortalProcess() => Environment["ConnectionStrings__Portal"] = $"Data Source={Database}";

    /// <summary>The Web project's build output for the configuration these tests were built in.</summary>
    public static string Executable
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = here.Parent!.Name;   // bin/<Configuration>/net10.0/
            var repository = here;
            while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "MembershipPortal.sln")))
                repository = repository.Parent;
            var output = Path.Combine(repository!.FullName, "src", "MembershipPortal.Web", "bin", configuration, "net10.0");
            return Path.Combine(output, OperatingSystem.IsWindows() ? "MembershipPortal.Web.exe" : "MembershipPortal.Web");
        }
    }

    public async Task<ProcessResult> RunAsync(string[] args, string? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // The child must not inherit a test host's settings (environment, URLs) by accident.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["Jobs__Enabled"] = "false";
        foreach (var (key, value) in Environment)
            start.Environment[key] = value;

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', args)}` still ran after {watch.Elapsed}; stderr: {await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
