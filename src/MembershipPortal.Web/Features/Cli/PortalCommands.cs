using System.Text;
using MembershipPortal.Domain.Metrics;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Catalog;
using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Operations;
using MembershipPortal.Web.Features.Setup;
using MembershipPortal.Web.Features.Shared.UseCases;

namespace MembershipPortal.Web.Features.Cli;

/// <summary>
/// What each command does once its arguments have parsed (<see cref="PortalCli"/>): the result on standard output,
/// a problem on standard error, and an exit code.
/// </summary>
public sealed class PortalCommands(IServiceProvider services, CliConsole console)
{
    public IServiceProvider Services => services;
    public CliConsole Console => console;

    internal async Task<int> GuardAsync(string name, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            console.Error.WriteLine($"{name} failed: {ex.Message}");
            return PortalCli.Failed;
        }
    }

    /// <summary>Silent on success, as Unix tools are; --verbose shows what EF did on standard error.</summary>
    public async Task<int> MigrateAsync()
    {
        await using var scope = services.CreateAsyncScope();
        await Startup.MigrateAsync(scope.ServiceProvider);
        return PortalCli.Ok;
    }

    public async Task<int> CreateAdminAsync(string email, string? password)
    {
        password ??= ReadPassword();
        if (string.IsNullOrEmpty(password))
        {
            console.Error.WriteLine($"No password: pipe it on standard input or set {PortalCli.PasswordVariable}.");
            return PortalCli.BadArguments;
        }
        await using var scope = services.CreateAsyncScope();
        await Startup.MigrateAsync(scope.ServiceProvider);
        var result = await scope.ServiceProvider.GetRequiredService<OwnerSetupService>().CreateOwnerAsync(email, password);
        if (!result.Succeeded)
        {
            console.Error.WriteLine($"Owner not created: {string.Join(" ", result.Errors)}");
            return PortalCli.Failed;
        }
        console.Out.WriteLine($"Owner {email.Trim()} created.");
        return PortalCli.Ok;
    }

    /// <summary>The environment variable, else one line of redirected input, else a prompt that does not echo.</summary>
    private string? ReadPassword()
    {
        if (Environment.GetEnvironmentVariable(PortalCli.PasswordVariable) is { Length: > 0 } fromEnvironment)
            return fromEnvironment;
        if (console.InputRedirected)
            return console.In.ReadLine();
        console.Error.Write("Password: ");
        var typed = new StringBuilder();
        for (var key = System.Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = System.Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar))
                typed.Append(key.KeyChar);
        }
        console.Error.WriteLine();
        return typed.ToString();
    }

    public async Task<int> ImportHistoryAsync(string path)
    {
        await using var scope = services.CreateAsyncScope();
        await Startup.MigrateAsync(scope.ServiceProvider);
        await using var file = File.OpenRead(path);
        var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>().ImportAsync(file, path);
        if (!outcome.Succeeded)
        {
            console.Error.WriteLine($"{outcome.Summary} {string.Join("; ", outcome.Problems.Take(50))}"
                + (outcome.Problems.Count > 50 ? $"; and {outcome.Problems.Count - 50} more" : ""));
            return PortalCli.Failed;
        }
        console.Out.WriteLine(outcome.Summary);
        return PortalCli.Ok;
    }

    public async Task<int> MetricsAsync(YearMonth? from, YearMonth? to, string format)
    {
        await using var scope = services.CreateAsyncScope();
        // The import cache is parsed on the other core while the schema is checked and the live history is read.
        scope.ServiceProvider.GetRequiredService<AnalyticsStore>().PrefetchImportCache();
        await Startup.MigrateSchemaAsync(scope.ServiceProvider); // read-only: writes no rows
        var rows = await scope.ServiceProvider.GetRequiredService<AnalyticsService>().MonthlyAsync(from!.Value, to!.Value);
        console.Out.Write(format == "json" ? MetricsExport.ToJson(rows) : MetricsExport.ToCsv(rows));
        return PortalCli.Ok;
    }

    public async Task<int> SeedDemoAsync(int members, int months)
    {
        await using var scope = services.CreateAsyncScope();
        await Startup.MigrateAsync(scope.ServiceProvider);
        // The craft-club catalog first, then members and two years of subscription history for the dashboard.
        var catalog = await DemoCatalog.SeedAsync(scope.ServiceProvider.GetRequiredService<CatalogService>(), scope.ServiceProvider.GetRequiredService<UseCaseRunner>());
        console.Out.WriteLine(catalog.AddedNothing
            ? "Demo catalog already present; nothing added."
            : $"Demo catalog added: {catalog.ProductsAdded} products, {catalog.PricesAdded} prices, {catalog.CouponsAdded} coupon{(catalog.CouponsAdded == 1 ? "" : "s")}.");
        var content = await DemoContent.SeedAsync(scope.ServiceProvider.GetRequiredService<ContentAdminQueries>(), scope.ServiceProvider.GetRequiredService<UseCaseRunner>(),
            scope.ServiceProvider.GetRequiredService<CatalogService>(), scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow());
        console.Out.WriteLine(content is { ItemsAdded: 0, CoursesAdded: 0 }
            ? "Demo content already present; nothing added."
            : $"Demo content added: {content.ItemsAdded} library items, {content.CoursesAdded} course.");
        var outcome = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(members, months);
        (outcome.Succeeded ? console.Out : console.Error).WriteLine(outcome.Message);
        return outcome.Succeeded ? PortalCli.Ok : PortalCli.Failed;
    }
}
