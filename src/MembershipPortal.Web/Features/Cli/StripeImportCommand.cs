using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Payments.Stripe.Import;
using MembershipPortal.Web.Features.Operations;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Cli;

/// <summary><c>stripe-import</c>: the Owner page's import from a terminal, with the same importer and saved mapping.</summary>
internal sealed class StripeImportCommand(PortalCommands commands)
{
    public async Task<int> RunAsync(string[] map, bool acceptProposals)
    {
        var console = commands.Console;
        await using var scope = commands.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (services.GetRequiredService<IOptions<PaymentsOptions>>().Value.Provider != PaymentProvider.Stripe)
        {
            console.Error.WriteLine("stripe-import needs Payments:Provider=Stripe and Payments:Stripe:SecretKey.");
            return PortalCli.Failed;
        }
        var decisions = new List<(string Price, string Plan)>();
        foreach (var entry in map)
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !parts[0].StartsWith("price_", StringComparison.Ordinal) || parts[1].Length == 0
                || (parts[1] is not ("leave-out" or "create") && !Guid.TryParse(parts[1], out _)))
            {
                console.Error.WriteLine($"--map {entry}: expected price_...=PLAN, PLAN a catalog price id, 'leave-out' or 'create'.");
                return PortalCli.BadArguments;
            }
            decisions.Add((parts[0], parts[1]));
        }
        await Startup.MigrateAsync(services);
        var importer = services.GetRequiredService<StripeImporter>();
        var lastLine = "";
        var progress = new Progress(p =>
        {
            var line = $"{p.Step}: {string.Join(", ", p.Read.Select(r => $"{r.Value} {r.Key}"))}; {p.SubscriptionsApplied} subscription(s) applied, {p.SubscriptionsToApply} to go ({p.Fraction:P0})";
            if (line != lastLine)
                console.Error.WriteLine(lastLine = line);
        });

        // Decisions need the prices read, so a run with --map reads first (it stops before importing while any price is undecided).
        if (decisions.Count > 0 || acceptProposals)
        {
            var reading = await importer.RunAsync(progress);
            if (reading.Outcome == StripeImportOutcome.Stopped)
                return Stopped(reading);
            foreach (var (price, plan) in decisions)
            {
                var problem = plan switch
                {
                    "leave-out" => await importer.MapAsync(price, null, leftOut: true),
                    "create" => await importer.CreatePlanAsync(price),
                    _ => await importer.MapAsync(price, Guid.Parse(plan), leftOut: false),
                };
                if (problem is not null)
                {
                    console.Error.WriteLine($"--map {price}={plan}: {problem}");
                    return PortalCli.Failed;
                }
            }
            if (acceptProposals)
                console.Error.WriteLine($"{await importer.AcceptProposalsAsync()} proposal(s) accepted.");
            if (reading.Outcome == StripeImportOutcome.Completed && decisions.Count == 0)
            {
                console.Out.WriteLine(reading.Message);
                return PortalCli.Ok;
            }
        }

        var result = await importer.RunAsync(progress);
        switch (result.Outcome)
        {
            case StripeImportOutcome.Completed:
                console.Out.WriteLine(result.Message);
                return PortalCli.Ok;
            case StripeImportOutcome.NeedsMapping:
                console.Error.WriteLine(result.Message);
                foreach (var m in (await importer.MappingsAsync()).Where(m => result.UndecidedPrices.Contains(m.StripePriceId)))
                    console.Error.WriteLine($"  {m.StripePriceId}  {m.ProductName}  {m.UnitAmountMinor} {m.Currency} every {m.IntervalCount} {m.Interval}  "
                        + $"{m.SubscriptionItems} subscription item(s)" + (m.ProposedPriceId is { } proposed ? $"  proposed: {proposed}" : ""));
                console.Error.WriteLine("Decide each with --map PRICE=PLAN (a catalog price id, leave-out or create), or --accept-proposals.");
                return PortalCli.Failed;
            default:
                return Stopped(result);
        }

        int Stopped(StripeImportResult stopped)
        {
            console.Error.WriteLine(stopped.Message);
            return PortalCli.Failed;
        }
    }

    private sealed class Progress(Action<StripeImportProgress> report) : IProgress<StripeImportProgress>
    {
        public void Report(StripeImportProgress value) => report(value);
    }
}
