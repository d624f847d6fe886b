using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using MembershipPortal.Domain.Metrics;
using Microsoft.Data.Sqlite;

namespace MembershipPortal.Web.Tests.Cli;

/// <summary>The built executable as a user runs it: streams redirected, exit codes read.</summary>
public sealed class PortalCliProcessTests : IDisposable
{
    private readonly PortalProcess portal = new();

    [Fact]
    public async Task Metrics_CsvToRedirectedOutput_ParsesAsCsvFromItsFirstByte()
    {
        // --verbose: logs are certainly written, and must all land on standard error.
        var result = await portal.RunAsync(["metrics", "--from", "2026-01", "--to", "2026-03", "--format", "csv", "--verbose"]);

        Assert.Equal(0, result.Code);
        Assert.Contains("Executed DbCommand", result.Error);
        var header = "month,mrr_start,new,expansion,contraction,churn,reactivation,mrr_end,customers_start,customers_end,new_customers,"
            + "reactivated_customers,churned_customers,customer_churn_rate,gross_mrr_churn_rate,net_mrr_churn_rate,nrr_month,grr_month,"
            + "nrr_12m,grr_12m,arr,arpa,quick_ratio,ltv";
        var lines = result.Out.Split('\n');
        Assert.Equal(header, lines[0]);
        Assert.Equal("", lines[^1]);
        Assert.Equal(["2026-01", "2026-02", "2026-03"], lines[1..^1].Select(l => l.Split(',')[0]));
        Assert.All(lines[1..^1], l => Assert.Equal(MetricsExport.Columns.Length, l.Split(',').Length));
    }

    [Fact]
    public async Task Migrate_FreshDatabase_NothingOnStandardOutput()
    {
        var result = await portal.RunAsync(["migrate"]);

        Assert.Equal((0, "", ""), (result.Code, result.Out, result.Error));
        Assert.True(File.Exists(portal.Database));
    }

    [Theory]
    [InlineData(new[] { "--help" }, "Commands:")]
    [InlineData(new[] { "-h" }, "Commands:")]
    [InlineData(new[] { "help", "create-admin" }, "--email")]
    [InlineData(new[] { "create-admin", "--help" }, "--email")]
    public async Task Help_Exit0WithoutStartingTheServer(string[] args, string expected)
    {
        var port = FreePort();
        portal.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";

        // A web server would still be running at the timeout.
        var result = await portal.RunAsync(args, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.Code);
        Assert.Contains("Usage:", result.Out);
        Assert.Contains(expected, result.Out);
        Assert.DoesNotContain("listening", result.Out + result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(portal.Database));
    }

    [Fact]
    public async Task Version_PrintsTheBuiltProductVersion()
    {
        var result = await portal.RunAsync(["--version"]);

        var built = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal((0, built + "\n"), (result.Code, result.Out));
        Assert.Matches(@"^\d+\.\d+\.\d+", built);
    }

    [Fact]
    public async Task CreateAdmin_PasswordOnStandardInput_CreatesOwner()
    {
        var result = await portal.RunAsync(["create-admin", "--email", "piped@example.test"], input: "a fine long passphrase\n");

        Assert.Equal((0, "Owner piped@example.test created.\n", ""), (result.Code, result.Out, result.Error));
        Assert.Equal("Owner", await RoleOfAsync("PIPED@EXAMPLE.TEST"));
    }

    [Fact]
    public async Task CreateAdmin_PasswordInEnvironment_CreatesOwner()
    {
        portal.Environment["PORTAL_ADMIN_PASSWORD"] = "a fine long passphrase";

        var result = await portal.RunAsync(["create-admin", "--email", "env@example.test"], input: "");

        Assert.Equal((0, "Owner env@example.test created.\n"), (result.Code, result.Out));
        Assert.Equal("Owner", await RoleOfAsync("ENV@EXAMPLE.TEST"));
    }

    [Theory]
    [InlineData("launch-rockets")]
    [InlineData("metrics", "--from", "2026-01", "--to", "2026-02", "--bogus")]
    public async Task UnknownCommandOrOption_Exit2WithUsageOnStandardError(params string[] args)
    {
        var result = await portal.RunAsync(args);

        Assert.Equal((2, ""), (result.Code, result.Out));
        Assert.Contains("Unrecognized command or argument", result.Error);
        Assert.Contains("Usage:", result.Error);
    }

    private async Task<string?> RoleOfAsync(string normalizedEmail)
    {
        await using var db = new SqliteConnection($"Data Source={portal.Database};Pooling=False");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = """
            SELECT r."Name" FROM "AspNetUsers" u JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id" JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
            WHERE u."NormalizedEmail" = $email AND u."EmailConfirmed" = 1
            """;
        command.Parameters.AddWithValue("$email", normalizedEmail);
        return await command.ExecuteScalarAsync() as string;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => portal.Dispose();
}
