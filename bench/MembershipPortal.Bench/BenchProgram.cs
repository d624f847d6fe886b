using System.Globalization;

namespace MembershipPortal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/MembershipPortal.Bench -- webhooks [count] [--parallel N] [--direct]</c>;
/// <c>-- webhooks --smoke</c> sends 200 events over two senders, to check in CI that the bench still runs.
/// (Not top-level statements: their implicit <c>Program</c> would clash with the Web project's.)
/// </summary>
internal static class BenchProgram
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "webhooks")
        {
            Console.Error.WriteLine("usage: MembershipPortal.Bench webhooks [count=10000] [--parallel N=1] [--direct] [--dir PATH] [--smoke]");
            Console.Error.WriteLine("  Ingests <count> signed Stripe events (customer.subscription.created/updated, invoice.paid) through");
            Console.Error.WriteLine("  POST /webhooks/stripe of the real app on a temporary SQLite file.");
            Console.Error.WriteLine("  --direct    call the ingestion service (StripeWebhookProcessor) instead of HTTP");
            Console.Error.WriteLine("  --dir PATH  where the temporary database goes (default: the system temp folder)");
            return 2;
        }

        var smoke = args.Contains("--smoke");
        var count = smoke ? 200 : args.Length > 1 && int.TryParse(args[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        var parallel = smoke ? 2 : Option(args, "--parallel") ?? 1;
        var dirIndex = Array.IndexOf(args, "--dir");
        var directory = Path.GetFullPath(dirIndex >= 0 && dirIndex + 1 < args.Length ? args[dirIndex + 1] : Path.GetTempPath());
        if (count < WebhookBench.EventsPerSubscription || parallel < 1)
        {
            Console.Error.WriteLine($"count must be at least {WebhookBench.EventsPerSubscription} and --parallel at least 1.");
            return 2;
        }

        // WebApplicationFactory looks for MvcTestingAppManifest.json (the Web project's content root) in the current
        // directory, which test runners set to the output folder and `dotnet run` does not.
        Environment.CurrentDirectory = AppContext.BaseDirectory;
        await using var bench = new WebhookBench(count, parallel, direct: args.Contains("--direct"), directory);
        var report = await bench.RunAsync();
        Console.WriteLine(report);
        return report.Failed == 0 ? 0 : 1;
    }

    private static int? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
