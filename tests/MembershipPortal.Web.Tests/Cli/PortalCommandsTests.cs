using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Cli;

/// <summary>The commands in process, against the test portal's services (the process itself: PortalCliProcessTests).</summary>
public sealed class PortalCommandsTests : IDisposable
{
    private readonly PortalFactory factory = new();

    private async Task<(int Code, string Out, string Error)> Run(string[] args, string? input = null)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var console = new CliConsole(stdout, stderr, new StringReader(input ?? ""), InputRedirected: true);
        var code = await PortalCli.RunAsync(args, console, _ => ValueTask.FromResult(new CommandServices(factory.Services)));
        return (code, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1" }, false)]
    [InlineData(new[] { "migrate" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "-h" }, true)]
    [InlineData(new[] { "--version" }, true)]
    public void IsCommand_FirstArgument_CommandHelpOrVersionElseWebServer(string[] args, bool isCommand) =>
        Assert.Equal(isCommand, PortalCli.IsCommand(args));

    [Fact]
    public async Task CreateAdmin_ValidArguments_CreatesConfirmedOwner()
    {
        var (code, output, _) = await Run(["create-admin", "--email", "cli.owner@example.test", "--password", "a fine long passphrase"]);
        Assert.Equal(PortalCli.Ok, code);
        Assert.Equal("Owner cli.owner@example.test created.", output);

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var owner = await users.FindByEmailAsync("cli.owner@example.test");
        Assert.NotNull(owner);
        Assert.True(owner.EmailConfirmed);
        Assert.True(await users.IsInRoleAsync(owner, PortalRoles.Owner));
    }

    [Fact]
    public async Task CreateAdmin_PasswordOnStandardInput_UsesFirstLine()
    {
        var (code, output, _) = await Run(["create-admin", "--email", "stdin.owner@example.test"], "a fine long passphrase\nignored\n");
        Assert.Equal((PortalCli.Ok, "Owner stdin.owner@example.test created."), (code, output));

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync("stdin.owner@example.test"))!, "a fine long passphrase"));
    }

    [Fact]
    public async Task CreateAdmin_NoPasswordAnywhere_Exit2AndCreatesNothing()
    {
        var (code, output, error) = await Run(["create-admin", "--email", "nopass@example.test"], "");
        Assert.Equal((PortalCli.BadArguments, ""), (code, output));
        Assert.Contains(PortalCli.PasswordVariable, error);
    }

    [Theory]
    [InlineData("create-admin", "--email", "x@example.test", "--password")]
    [InlineData("create-admin", "--password", "a fine long passphrase")]
    [InlineData("create-admin", "--email", "x@example.test", "--password", "p", "--role", "Owner")]
    [InlineData("migrate", "now")]
    [InlineData("launch-rockets")]
    [InlineData("metrics", "--from", "2026-13", "--to", "2026-01")]
    [InlineData("metrics", "--from", "2026-03", "--to", "2026-01")]
    [InlineData("metrics", "--from", "2026-01", "--to", "2026-03", "--format", "xml")]
    [InlineData("seed-demo", "--members", "0")]
    [InlineData("import-history", "/no/such/file.csv")]
    public async Task Run_BadArguments_Exit2WithUsageOnStandardError(params string[] args)
    {
        var (code, output, error) = await Run(args);
        Assert.Equal(PortalCli.BadArguments, code);
        Assert.Equal("", output);
        Assert.Contains("Usage:", error);
    }

    [Fact]
    public async Task CreateAdmin_WeakPassword_FailsAndCreatesNothing()
    {
        var (code, _, error) = await Run(["create-admin", "--email", "weak.owner@example.test", "--password", "unbelievable"]);
        Assert.Equal(PortalCli.Failed, code);
        Assert.Contains("commonly used", error);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("weak.owner@example.test"));
    }

    [Fact]
    public async Task Migrate_UpToDate_ExitsZeroAndPrintsNothing()
    {
        var (code, output, error) = await Run(["migrate"]);
        Assert.Equal((PortalCli.Ok, "", ""), (code, output, error));
    }

    [Fact]
    public async Task Help_ForACommand_PrintsItsOptionsOnStandardOutput()
    {
        var (code, output, _) = await Run(["help", "metrics"]);
        Assert.Equal(PortalCli.Ok, code);
        Assert.Contains("--from <YYYY-MM>", output);
        Assert.Contains("--format <csv|json>", output);
    }

    public void Dispose() => factory.Dispose();
}
