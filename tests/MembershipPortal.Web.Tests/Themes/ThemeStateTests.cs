using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Themes;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Themes;

public sealed class ThemeStateTests : IDisposable
{
    private readonly PortalFactory factory = new PortalFactory().WithSetting("Portal:Theme", "no-such-theme");

    [Fact]
    public void Current_ConfiguredThemeMissing_FallsBackToDefault()
    {
        _ = factory.Server;
        Assert.Equal("aurora", factory.Services.GetRequiredService<ThemeState>().Current.Name);
    }

    [Fact]
    public async Task Switch_KnownTheme_PersistsAndNotifies()
    {
        _ = factory.Server;
        var state = factory.Services.GetRequiredService<ThemeState>();
        var raised = 0;
        state.Changed += () => raised++;

        Assert.True(await state.SwitchAsync("evergreen"));
        Assert.Equal("evergreen", state.Current.Name);
        Assert.Equal(1, raised);

        await state.InitializeAsync();
        Assert.Equal("evergreen", state.Current.Name);
    }

    [Fact]
    public async Task Switch_UnknownTheme_ChangesNothing()
    {
        _ = factory.Server;
        var state = factory.Services.GetRequiredService<ThemeState>();
        var before = state.Current.Name;
        Assert.False(await state.SwitchAsync("nope"));
        Assert.Equal(before, state.Current.Name);
    }

    public void Dispose() => factory.Dispose();
}
