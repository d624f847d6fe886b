using System.CommandLine;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Web.Features.Cli;

/// <summary>Where a command writes and reads: the process's console, or writers a test supplies.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool InputRedirected)
{
    public static CliConsole Process => new(Console.Out, Console.Error, Console.In, Console.IsInputRedirected);
}

/// <summary>The services a command runs against; disposing ends them.</summary>
public sealed class CommandServices(IServiceProvider services, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public IServiceProvider Services { get; } = services;
    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The command line of the Web executable (System.CommandLine). A command's result goes to standard output and nothing
/// else does: logs, errors and usage after a mistake go to standard error. Help and version need no services; a
/// command builds only the services it needs (<see cref="CommandHost"/>), never the web server.
/// </summary>
public static class PortalCli
{
    public const int Ok = 0, Failed = 1, BadArguments = 2;
    public const string PasswordVariable = "PORTAL_ADMIN_PASSWORD";

    /// <summary>
    /// A command, help or version. Anything else (no arguments, or host options such as --urls) starts the web server.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "-h" or "-?" or "--help" or "--version");

    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, CliConsole.Process, verbose => ValueTask.FromResult(CommandHost.Build(verbose)));

    /// <param name="services">Called only once a command has parsed, with whether --verbose was given.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, Func<bool, ValueTask<CommandServices>> services)
    {
        var root = Build(console, services);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                console.Error.WriteLine(error.Message);
            console.Error.WriteLine();
            WriteUsage(root, parsed.CommandResult.Command, console.Error);
            return BadArguments;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
    }

    internal static RootCommand Build(CliConsole console, Func<bool, ValueTask<CommandServices>> services)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also log informational messages (to standard error).", Recursive = true };
        var root = new RootCommand(
            "MembershipPortal. With no command the web portal starts (host options such as --urls apply); a command runs and exits.\n" +
            "Exit codes: 0 success, 1 failure, 2 bad arguments. Results go to standard output, logs to standard error.");
        root.Options.Add(verbose);

        Command Add(Command command, Func<PortalCommands, ParseResult, Task<int>> run)
        {
            command.SetAction(async (parse, ct) =>
            {
                await using var scope = await services(parse.GetValue(verbose));
                var commands = new PortalCommands(scope.Services, console);
                return await commands.GuardAsync(command.Name, () => run(commands, parse));
            });
            root.Subcommands.Add(command);
            return command;
        }

        Add(new Command("migrate", "Applies pending database migrations and creates the roles. Prints nothing on success."),
            (c, _) => c.MigrateAsync());

        var email = new Option<string>("--email") { Description = "The Owner's email address.", Required = true };
        var password = new Option<string>("--password")
        {
            Description = $"Avoid: it stays in the shell history. Without it the password is read from {PasswordVariable}, "
                + "else from standard input (one line), else asked for on the terminal.",
        };
        Add(new Command("create-admin", "Creates a confirmed Owner account.") { email, password },
            (c, p) => c.CreateAdminAsync(p.GetValue(email)!, p.GetValue(password)));

        var file = new Argument<FileInfo>("file") { Description = "A history CSV (METRICS.md §5)." }.AcceptExistingOnly();
        Add(new Command("import-history", "Imports subscription history; all or nothing, every bad line listed on failure.") { file },
            (c, p) => c.ImportHistoryAsync(p.GetValue(file)!.FullName));

        var from = MonthOption("--from", "First month, YYYY-MM.");
        var to = MonthOption("--to", "Last month, YYYY-MM.");
        var format = new Option<string>("--format") { Description = "csv (METRICS.md §6) or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var metrics = new Command("metrics", "Prints the monthly metrics table on standard output.") { from, to, format };
        metrics.Validators.Add(r =>
        {
            if (r.GetResult(from) is { Tokens: [var f] } && r.GetResult(to) is { Tokens: [var t] }
                && YearMonth.TryParse(f.Value, out var first) && YearMonth.TryParse(t.Value, out var last) && last < first)
                r.AddError("--from must not be after --to.");
        });
        Add(metrics, (c, p) => c.MetricsAsync(p.GetValue(from), p.GetValue(to), p.GetValue(format)!));

        var members = Bounded("--members", "Members to generate.", 2000, 1, 1_000_000);
        var months = Bounded("--months", "Months of history to generate.", 24, 1, 120);
        Add(new Command("seed-demo", "Adds the demo catalog, content, members and history (idempotent).") { members, months },
            (c, p) => c.SeedDemoAsync(p.GetValue(members), p.GetValue(months)));

        var backupTo = new Option<FileInfo>("--to") { Description = "The database copy to write; the uploads go beside it as FILE.files.tar.", Required = true };
        Add(new Command("backup", "Copies the running SQLite database (SQLite's online backup) and the uploads folder.") { backupTo },
            (c, p) => new BackupCommands(c).BackupAsync(p.GetValue(backupTo)!.FullName));

        var restoreFrom = new Option<FileInfo>("--from") { Description = "A copy made by backup (and FILE.files.tar beside it, if present).", Required = true };
        restoreFrom.AcceptExistingOnly();
        Add(new Command("restore", "Replaces the database and uploads with a backup. Refuses while the portal runs.") { restoreFrom },
            (c, p) => new BackupCommands(c).RestoreAsync(p.GetValue(restoreFrom)!.FullName));

        var map = new Option<string[]>("--map")
        {
            Description = "A Stripe price's decision, PRICE=PLAN: PLAN is a catalog price id, 'leave-out' or 'create' (a new plan with the "
                + "Stripe price's terms). Repeat for each price. Decisions are saved: a later run uses them without the flag.",
            HelpName = "price_...=PLAN",
            AllowMultipleArgumentsPerToken = false,
        };
        var acceptProposals = new Option<bool>("--accept-proposals") { Description = "Map every undecided price to the plan proposed for it (same amount, currency and interval)." };
        Add(new Command("stripe-import",
            "Adopts the Stripe account's subscribers (Payments:Provider=Stripe): reads products, prices, customers, subscriptions and "
            + "invoices (paged, resumable: run it again to continue), then imports members, subscriptions, invoices and payments once every "
            + "price in use is mapped or left out. Progress on standard error, the summary on standard output. Exit 1 when it stopped or "
            + "prices still need a decision (they are listed).") { map, acceptProposals },
            (c, p) => new StripeImportCommand(c).RunAsync(p.GetValue(map) ?? [], p.GetValue(acceptProposals)));

        // `help metrics` is `metrics --help`.
        var topic = new Argument<string?>("command") { Description = "The command to describe.", Arity = ArgumentArity.ZeroOrOne };
        topic.AcceptOnlyFromAmong([.. root.Subcommands.Select(c => c.Name)]);
        var help = new Command("help", "Shows the usage of the portal or of one command.") { topic };
        help.SetAction(p =>
        {
            WriteUsage(root, p.GetValue(topic) is { } name ? root.Subcommands.First(c => c.Name == name) : root, console.Out);
            return Ok;
        });
        root.Subcommands.Add(help);
        return root;
    }

    /// <summary>System.CommandLine's own help text for a command, written where we choose.</summary>
    private static void WriteUsage(RootCommand root, Command command, TextWriter writer) =>
        root.Parse(command == root ? ["--help"] : [command.Name, "--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });

    private static Option<YearMonth?> MonthOption(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        HelpName = "YYYY-MM",
        CustomParser = r =>
        {
            if (YearMonth.TryParse(r.Tokens.Single().Value, out var month))
                return month;
            r.AddError($"{name} is a month, YYYY-MM.");
            return null;
        },
    };

    private static Option<int> Bounded(string name, string description, int fallback, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {fallback}, {min}–{max}.", DefaultValueFactory = _ => fallback };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var v && (v < min || v > max))
                r.AddError($"{name} is between {min} and {max}.");
        });
        return option;
    }
}
