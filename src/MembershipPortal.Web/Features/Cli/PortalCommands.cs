using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Features.Setup;

namespace MembershipPortal.Web.Features.Cli;

public sealed record PortalCommand(string Name, IReadOnlyList<string> Arguments);

/// <summary>
/// Command-line verbs of the Web executable. Each runs against the same services as the site, prints one line of
/// outcome and returns an exit code; none starts the web server.
/// </summary>
public static class PortalCommands
{
    public const int Ok = 0, Failed = 1, BadArguments = 2;
    private static readonly string[] Known = ["migrate", "create-admin", "import-history", "metrics", "seed-demo"];

    /// <summary>The first argument is a command when it is not an option (options such as --urls go to the host).</summary>
    public static PortalCommand? Parse(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') ? new PortalCommand(args[0], args[1..]) : null;

    public static async Task<int> RunAsync(IServiceProvider services, PortalCommand command, TextWriter? output = null)
    {
        var stdout = output ?? Console.Out;
        var stderr = output ?? Console.Error;
        try
        {
            switch (command.Name)
            {
                case "migrate":
                    if (command.Arguments.Count > 0) return Bad(stderr, "migrate takes no arguments.");
                    await using (var scope = services.CreateAsyncScope())
                        await Startup.MigrateAsync(scope.ServiceProvider);
                    stdout.WriteLine("Database is up to date.");
                    return Ok;

                case "create-admin":
                    if (!TryOptions(command.Arguments, ["--email", "--password"], out var values, out var error))
                        return Bad(stderr, $"{error} Usage: create-admin --email E --password P");
                    await using (var scope = services.CreateAsyncScope())
                    {
                        await Startup.MigrateAsync(scope.ServiceProvider);
                        var result = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>()
                            .CreateOwnerAsync(values["--email"], values["--password"]);
                        if (!result.Succeeded)
                        {
                            stderr.WriteLine($"Owner not created: {string.Join(" ", result.Errors)}");
                            return Failed;
                        }
                    }
                    stdout.WriteLine($"Owner {values["--email"]} created.");
                    return Ok;

                case "import-history":
                {
                    if (command.Arguments.Count != 1 || command.Arguments[0].StartsWith("--"))
                        return Bad(stderr, "Usage: import-history FILE.csv");
                    var path = command.Arguments[0];
                    if (!File.Exists(path)) return Bad(stderr, $"File not found: {path}");
                    await using var scope = services.CreateAsyncScope();
                    await Startup.MigrateAsync(scope.ServiceProvider);
                    await using var file = File.OpenRead(path);
                    var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>().ImportAsync(file, path);
                    if (!outcome.Succeeded)
                    {
                        stderr.WriteLine($"{outcome.Summary} {string.Join("; ", outcome.Problems.Take(50))}"
                            + (outcome.Problems.Count > 50 ? $"; and {outcome.Problems.Count - 50} more" : ""));
                        return Failed;
                    }
                    stdout.WriteLine(outcome.Summary);
                    return Ok;
                }

                case "metrics":
                {
                    if (!TryOptions(command.Arguments, ["--from", "--to"], out var options, out var optionError, optional: ["--format"]))
                        return Bad(stderr, $"{optionError} Usage: metrics --from YYYY-MM --to YYYY-MM [--format csv|json]");
                    if (!YearMonth.TryParse(options["--from"], out var from) || !YearMonth.TryParse(options["--to"], out var to) || to < from)
                        return Bad(stderr, "--from and --to are months (YYYY-MM), --from not after --to.");
                    var format = options.GetValueOrDefault("--format", "csv");
                    if (format is not ("csv" or "json")) return Bad(stderr, "--format is csv or json.");
                    await using var scope = services.CreateAsyncScope();
                    await Startup.MigrateAsync(scope.ServiceProvider);
                    var rows = await scope.ServiceProvider.GetRequiredService<AnalyticsService>().MonthlyAsync(from, to);
                    stdout.Write(format == "json" ? MetricsExport.ToJson(rows) : MetricsExport.ToCsv(rows));
                    return Ok;
                }

                case "seed-demo":
                {
                    if (!TryOptions(command.Arguments, [], out var options, out var optionError, optional: ["--members", "--months"])
                        || !int.TryParse(options.GetValueOrDefault("--members", "2000"), out var members) || members is < 1 or > 1_000_000
                        || !int.TryParse(options.GetValueOrDefault("--months", "24"), out var months) || months is < 1 or > 120)
                        return Bad(stderr, "Usage: seed-demo [--members N (default 2000)] [--months M (default 24)]");
                    await using var scope = services.CreateAsyncScope();
                    await Startup.MigrateAsync(scope.ServiceProvider);
                    // The craft-club catalog first, then members and two years of subscription history for the dashboard.
                    var catalog = await DemoCatalog.SeedAsync(scope.ServiceProvider.GetRequiredService<CatalogService>());
                    stdout.WriteLine(catalog.AddedNothing
                        ? "Demo catalog already present; nothing added."
                        : $"Demo catalog added: {catalog.ProductsAdded} products, {catalog.PricesAdded} prices, {catalog.CouponsAdded} coupon{(catalog.CouponsAdded == 1 ? "" : "s")}.");
                    var content = await DemoContent.SeedAsync(scope.ServiceProvider.GetRequiredService<ContentAdminService>(),
                        scope.ServiceProvider.GetRequiredService<CatalogService>(), scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow());
                    stdout.WriteLine(content is { ItemsAdded: 0, CoursesAdded: 0 }
                        ? "Demo content already present; nothing added."
                        : $"Demo content added: {content.ItemsAdded} library items, {content.CoursesAdded} course.");
                    var outcome = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(members, months);
                    (outcome.Succeeded ? stdout : stderr).WriteLine(outcome.Message);
                    return outcome.Succeeded ? Ok : Failed;
                }

                default:
                    return Bad(stderr, $"Unknown command '{command.Name}'. Commands: {string.Join(", ", Known)}.");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"{command.Name} failed: {ex.Message}");
            return Failed;
        }
    }

    /// <summary>Parses "--name value" pairs; every required option once, optional ones at most once, nothing else.</summary>
    internal static bool TryOptions(IReadOnlyList<string> args, string[] required, out Dictionary<string, string> values, out string error, string[]? optional = null)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        error = "";
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (!required.Contains(name) && optional?.Contains(name) != true) { error = $"Unknown option '{name}'."; return false; }
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--")) { error = $"Option {name} needs a value."; return false; }
            if (!values.TryAdd(name, args[i + 1])) { error = $"Option {name} is given twice."; return false; }
        }
        var found = values;
        var missing = required.Where(r => !found.ContainsKey(r)).ToList();
        if (missing.Count > 0) { error = $"Missing {string.Join(" and ", missing)}."; return false; }
        return true;
    }

    private static int Bad(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return BadArguments;
    }
}
