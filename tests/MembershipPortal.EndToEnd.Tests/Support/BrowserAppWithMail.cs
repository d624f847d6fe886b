using System.Globalization;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.EndToEnd.Tests.Support;

/// <summary>The browser fixture with the portal sending real SMTP to its own maildev, for flows that end in an email.</summary>
public sealed class BrowserAppWithMail : IAsyncLifetime
{
    public MailDevServer Mail { get; } = new();
    public BrowserApp App { get; } = new();

    public async Task InitializeAsync()
    {
        await Mail.InitializeAsync();
        App.Portal.WithSetting("Email:Delivery", "Smtp").WithSetting("Email:Smtp:Host", "127.0.0.1")
            .WithSetting("Email:Smtp:Port", Mail.SmtpPort.ToString(CultureInfo.InvariantCulture)).WithSetting("Email:Smtp:UseTls", "false")
            .WithSetting("Email:From", "club@example.test");
        await App.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Mail.DisposeAsync();
    }
}
