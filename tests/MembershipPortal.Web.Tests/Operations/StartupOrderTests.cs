using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MembershipPortal.Web.Tests.Operations;

/// <summary>
/// A first start on a fresh database logged "no such table: DataProtectionKeys": data protection's hosted service read
/// its key ring before Startup had migrated. Hosted services start in registration order, so Startup must come first.
/// </summary>
public sealed class StartupOrderTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public void Startup_MigratesBeforeDataProtectionLoadsItsKeyRing()
    {
        var order = factory.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        var keyRing = order.IndexOf("DataProtectionHostedService");
        Assert.True(keyRing >= 0, string.Join(", ", order));
        Assert.True(order.IndexOf(nameof(Startup)) is var startup && startup >= 0 && startup < keyRing, string.Join(", ", order));
    }
}
