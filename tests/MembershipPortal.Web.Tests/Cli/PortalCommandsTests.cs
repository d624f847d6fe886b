using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Cli;

public sealed class PortalCommandsTests : IDisposable
{
    private readonly PortalFactory factory = new();

    private async Task<(int Code, string Output)> Run(params string[] args)
    {
        var writer = new StringWriter();
        var code = await PortalCommands.RunAsync(factory.Services, PortalCommands.Parse(args)!, writer);
        return (code, writer.ToString().Trim());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1" }, false)]
    [InlineData(new[] { "migrate" }, true)]
    public void Parse_FirstArgument_IsCommandOnlyWhenNotAnOption(string[] args, bool isCommand) =>
        Assert.Equal(isCommand, PortalCommands.Parse(args) is not null);

    [Fact]
    public async Task CreateAdmin_ValidArguments_CreatesConfirmedOwner()
    {
        var (code, output) = await Run("create-admin", "--email", "cli.owner@example.test", "--password", "a fine long passphrase");
        Assert.Equal(PortalCommands.Ok, code);
        Assert.Equal("Owner cli.owner@example.test created.", output);

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var owner = await users.FindByEmailAsync("cli.owner@example.test");
        Assert.NotNull(owner);
        Assert.True(owner.EmailConfirmed);
        Assert.True(await users.IsInRoleAsync(owner, PortalRoles.Owner));
    }

    [Theory]
    [InlineData("create-admin", "--email", "x@example.test")]
    [InlineData("create-admin", "--email", "x@example.test", "--password")]
    [InlineData("create-admin", "--email", "x@example.test", "--password", "p", "--role", "Owner")]
    [InlineData("migrate", "now")]
    [InlineData("launch-rockets")]
    public async Task Run_BadArguments_OneLineAndExit2(params string[] args)
    {
        var (code, output) = await Run(args);
        Assert.Equal(PortalCommands.BadArguments, code);
        Assert.Single(output.Split('\n'));
    }

    [Fact]
    public async Task CreateAdmin_WeakPassword_FailsAndCreatesNothing()
    {
        var (code, output) = await Run("create-admin", "--email", "weak.owner@example.test", "--password", "unbelievable");
        Assert.Equal(PortalCommands.Failed, code);
        Assert.Contains("commonly used", output);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("weak.owner@example.test"));
    }

    [Fact]
    public async Task Migrate_UpToDate_ExitsZero()
    {
        var (code, output) = await Run("migrate");
        Assert.Equal(PortalCommands.Ok, code);
        Assert.Equal("Database is up to date.", output);
    }

    public void Dispose() => factory.Dispose();
}
